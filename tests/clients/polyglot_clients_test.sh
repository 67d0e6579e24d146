#!/usr/bin/env bash
# The Python and Node clients, as the README runs them: each example against
# its own ghl-sandbox (demo location) + ghl-gateway pair on free ports, so
# each sees the untouched 5,000 contacts. Checked for each language:
#   - the stream delivered exactly the demo location's 5,000 contact ids, each
#     once (the id set equal to the dataset's);
#   - the contact it created is then readable through `ghlctl get`;
#   - the invalid request (empty location_id) failed with INVALID_ARGUMENT;
# and that no output or log holds the location token. A fake server then
# attaches google.rpc.Status details (ErrorInfo, RetryInfo, BadRequest) to an
# error so both error readers (and the API key metadata) are checked on the
# wire too.
# Usage: polyglot_clients_test.sh REPO_ROOT   (GHL_BUILD_DIR: the build tree)
set -euo pipefail
root="$1"
shared="${GHL_SHARED_DIR:-$root/../shared}"
build="${GHL_BUILD_DIR:-$root/build}"
location=ve9EPM428h8vShlRW1KT
data="$shared/data/location-demo"
py=/usr/bin/python3   # Debian's python3-grpcio imports only here
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "polyglot clients: FAIL: $*" >&2; exit 1; }

[[ -f "$data/contacts.jsonl" ]] || fail "demo data not found under $shared"
[[ -d "$root/client/node/node_modules/@grpc/grpc-js" ]] || fail "client/node has no node_modules (run tools/install-deps)"
"$py" -c 'import grpc' 2>/dev/null || fail "/usr/bin/python3 cannot import grpc (run tools/install-deps)"

(
  umask 077
  token="pit-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '[{"locationId":"%s","token":"%s","scopes":["contacts.readonly","contacts.write"]}]\n' \
    "$location" "$token" > "$work/tokens.json"
)
token="$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["token"])' "$work/tokens.json")"

wait_for_file() {
  local file="$1" pid="$2" log="$3"
  for _ in $(seq 1 400); do
    [[ -s "$file" ]] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$(basename "$log" .log) exited early"; }
    sleep 0.05
  done
  cat "$log" >&2; fail "$(basename "$log" .log) did not start"
}

# start_stack NAME: a sandbox and a gateway in front of it; sets gateway_port.
start_stack() {
  local name="$1"
  "$build/tools/ghl-sandbox/ghl-sandbox" --data "$data" --tokens "$work/tokens.json" \
    --port 0 --port-file "$work/$name-sandbox.port" > "$work/$name-sandbox.log" 2>&1 &
  pids+=($!)
  wait_for_file "$work/$name-sandbox.port" "${pids[-1]}" "$work/$name-sandbox.log"
  "$build/server/ghl-gateway" --listen 127.0.0.1:0 --port-file "$work/$name-gateway.port" \
    --upstream "http://127.0.0.1:$(cat "$work/$name-sandbox.port")" --tokens-file "$work/tokens.json" \
    > "$work/$name-gateway.log" 2>&1 &
  pids+=($!)
  wait_for_file "$work/$name-gateway.port" "${pids[-1]}" "$work/$name-gateway.log"
  gateway_port="$(cat "$work/$name-gateway.port")"
}

# check_run NAME: the example's output, ids file and created contact.
check_run() {
  local name="$1" out="$work/$1.out"
  cat "$out"
  "$py" - "$work/$name.ids" "$data/contacts.jsonl" <<'PY' || fail "$name: streamed ids"
import json, sys
ids = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
want = {json.loads(l)["id"] for l in open(sys.argv[2], encoding="utf-8")}
assert len(want) == 5000, len(want)
assert len(ids) == 5000, f"{len(ids)} contacts streamed, want 5000"
assert len(set(ids)) == 5000, f"{len(ids) - len(set(ids))} duplicate ids"
assert set(ids) == want, "the streamed ids differ from the dataset's"
PY
  grep -qE '^streamed 5000 contacts \(5000 unique\) in [0-9.]+ s \([0-9]+ contacts/s\)$' "$out" \
    || fail "$name: no summary line"
  grep -qx 'error code INVALID_ARGUMENT: location_id: must be set' "$out" \
    || fail "$name: the empty location_id did not read as INVALID_ARGUMENT"
  local created email
  created="$(sed -nE 's/^created contact ([A-Za-z0-9]+) \((.*)\)$/\1/p' "$out")"
  email="$(sed -nE 's/^created contact ([A-Za-z0-9]+) \((.*)\)$/\2/p' "$out")"
  [[ -n "$created" && -n "$email" ]] || fail "$name: no created contact line"
  grep -qF "\"id\":\"$created\"" "$data/contacts.jsonl" && fail "$name: created id $created is a demo id"
  GHL_GATEWAY="127.0.0.1:$gateway_port" "$build/client/ghlctl/ghlctl" get --location "$location" \
    --id "$created" > "$work/$name-get.json" 2> "$work/$name-get.err" \
    || { cat "$work/$name-get.err" >&2; fail "$name: ghlctl get $created failed"; }
  "$py" - "$work/$name-get.json" "$created" "$email" <<'PY' || fail "$name: ghlctl get shows another contact"
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
assert c.get("id") == sys.argv[2], c.get("id")
assert c.get("email") == sys.argv[3], c.get("email")
assert "client-example" in c.get("tags", []), c.get("tags")
PY
  echo "polyglot clients: $name: 5000 unique ids, created $created readable by ghlctl, INVALID_ARGUMENT"
}

# Python: stubs generated by the project's script into a fresh folder.
"$root/client/python/generate" "$work/py-gen" > "$work/generate.out" || fail "client/python/generate"
start_stack python
"$py" "$root/client/python/example.py" --target "127.0.0.1:$gateway_port" --location "$location" \
  --stubs "$work/py-gen" --ids-out "$work/python.ids" > "$work/python.out" 2> "$work/python.err" \
  || { cat "$work/python.out" "$work/python.err" >&2; fail "the Python example failed"; }
check_run python

# Node: the checked-in package, loading proto/ at run time.
start_stack node
node "$root/client/node/example.js" --target "127.0.0.1:$gateway_port" --location "$location" \
  --ids-out "$work/node.ids" > "$work/node.out" 2> "$work/node.err" \
  || { cat "$work/node.out" "$work/node.err" >&2; fail "the Node example failed"; }
check_run node

# Error details on the wire: a fake ContactsService whose GetContact fails
# with RESOURCE_EXHAUSTED and a google.rpc.Status trailer; both readers must
# decode every detail. The Status is encoded with plain protobuf descriptors
# here, independent of both readers' schemas.
api_key="test-key-$$"
"$py" - "$work/py-gen" "$root/client/python" "$work/fake.port" "$api_key" > "$work/fake.log" 2>&1 <<'PY' &
import sys, signal
from concurrent import futures
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import grpc
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, duration_pb2, message_factory
from ghl.contacts.v1 import contacts_service_pb2_grpc

FD = descriptor_pb2.FieldDescriptorProto
pool = descriptor_pool.DescriptorPool()
for dep in (any_pb2, duration_pb2):
    pool.AddSerializedFile(dep.DESCRIPTOR.serialized_pb)
f = descriptor_pb2.FileDescriptorProto(name="t.proto", package="google.rpc", syntax="proto3",
    dependency=["google/protobuf/any.proto", "google/protobuf/duration.proto"])
def msg(name, *fields):
    m = f.message_type.add(name=name)
    for fname, num, ftype, label, tname in fields:
        fd = m.field.add(name=fname, number=num, type=ftype, label=label)
        if tname: fd.type_name = tname
    return m
O, R = FD.LABEL_OPTIONAL, FD.LABEL_REPEATED
msg("Status", ("code", 1, FD.TYPE_INT32, O, ""), ("message", 2, FD.TYPE_STRING, O, ""),
    ("details", 3, FD.TYPE_MESSAGE, R, ".google.protobuf.Any"))
ei = msg("ErrorInfo", ("reason", 1, FD.TYPE_STRING, O, ""), ("domain", 2, FD.TYPE_STRING, O, ""),
         ("metadata", 3, FD.TYPE_MESSAGE, R, ".google.rpc.ErrorInfo.MetadataEntry"))
e = ei.nested_type.add(name="MetadataEntry"); e.options.map_entry = True
e.field.add(name="key", number=1, type=FD.TYPE_STRING, label=O)
e.field.add(name="value", number=2, type=FD.TYPE_STRING, label=O)
msg("RetryInfo", ("retry_delay", 1, FD.TYPE_MESSAGE, O, ".google.protobuf.Duration"))
br = msg("BadRequest", ("field_violations", 1, FD.TYPE_MESSAGE, R, ".google.rpc.BadRequest.FieldViolation"))
fv = br.nested_type.add(name="FieldViolation")
fv.field.add(name="field", number=1, type=FD.TYPE_STRING, label=O)
fv.field.add(name="description", number=2, type=FD.TYPE_STRING, label=O)
pool.Add(f)
cls = lambda n: message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName(n))
status = cls("google.rpc.Status")(code=8, message="GHL HTTP 429: slow down")
def add(type_name, m):
    d = status.details.add(); d.type_url = "type.googleapis.com/" + type_name; d.value = m.SerializeToString()
add("google.rpc.ErrorInfo", cls("google.rpc.ErrorInfo")(reason="UPSTREAM_RATE_LIMITED", domain="ghl-gateway",
                                                        metadata={"httpCode": "429", "traceId": "trace-1"}))
ri = cls("google.rpc.RetryInfo")(); ri.retry_delay.seconds = 2; ri.retry_delay.nanos = 500000000
add("google.rpc.RetryInfo", ri)
bad = cls("google.rpc.BadRequest")(); v = bad.field_violations.add(); v.field = "email"; v.description = "invalid"
add("google.rpc.BadRequest", bad)
add("example.Unknown", cls("google.rpc.RetryInfo")())
blob = status.SerializeToString()

class Fake(contacts_service_pb2_grpc.ContactsServiceServicer):
    def GetContact(self, request, context):
        # The readers must send the caller key the way the gateway wants it.
        if dict(context.invocation_metadata()).get("authorization") != "Bearer " + sys.argv[4]:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "no or wrong authorization metadata")
        context.set_trailing_metadata((("grpc-status-details-bin", blob),))
        context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "GHL HTTP 429: slow down")

server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
contacts_service_pb2_grpc.add_ContactsServiceServicer_to_server(Fake(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
open(sys.argv[3] + ".tmp", "w").write(str(port))
import os; os.rename(sys.argv[3] + ".tmp", sys.argv[3])
signal.sigwait([signal.SIGTERM])
PY
pids+=($!)
wait_for_file "$work/fake.port" "${pids[-1]}" "$work/fake.log"
fake="127.0.0.1:$(cat "$work/fake.port")"
want='RESOURCE_EXHAUSTED|GHL HTTP 429: slow down|google.rpc.ErrorInfo reason=UPSTREAM_RATE_LIMITED domain=ghl-gateway httpCode=429 traceId=trace-1|google.rpc.RetryInfo 2.5|google.rpc.BadRequest email=invalid|example.Unknown none'
got_py="$(GHL_API_KEY="$api_key" "$py" - "$work/py-gen" "$root/client/python" "$fake" <<'PY'
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import grpc, gateway_channel, rpc_status
from ghl.contacts.v1 import contacts_service_pb2 as pb, contacts_service_pb2_grpc as rpc
try:
    rpc.ContactsServiceStub(gateway_channel.open_channel(sys.argv[3])).GetContact(
        pb.GetContactRequest(location_id="l", contact_id="c"), metadata=gateway_channel.call_metadata(), timeout=30)
    sys.exit("no error")
except grpc.RpcError as err:
    i = rpc_status.from_rpc_error(err)
parts = [i.code_name, i.message]
for t, f in i.details:
    if t == "google.rpc.ErrorInfo":
        parts.append(f"{t} reason={f['reason']} domain={f['domain']} httpCode={f['metadata']['httpCode']} traceId={f['metadata']['traceId']}")
    elif t == "google.rpc.RetryInfo":
        parts.append(f"{t} {f['retry_delay']:g}")
    elif t == "google.rpc.BadRequest":
        parts.append(t + " " + ",".join(f"{v['field']}={v['description']}" for v in f["field_violations"]))
    else:
        parts.append(f"{t} {'none' if f is None else f}")
print("|".join(parts))
PY
)" || fail "Python error reader"
got_node="$(cd "$root/client/node" && GHL_API_KEY="$api_key" node - "$fake" <<'JS'
const { load, gatewayCredentials, callMetadata, readError } = require('./ghl_client');
const { ContactsService } = load();
const client = new ContactsService(process.argv[2], gatewayCredentials());
client.GetContact({ locationId: 'l', contactId: 'c' }, callMetadata(), { deadline: new Date(Date.now() + 30000) }, (err) => {
  client.close();
  if (!err) { console.error('no error'); process.exit(1); }
  const i = readError(err);
  const parts = [i.codeName, i.message];
  for (const { type, fields: f } of i.details) {
    if (type === 'google.rpc.ErrorInfo') parts.push(`${type} reason=${f.reason} domain=${f.domain} httpCode=${f.metadata.httpCode} traceId=${f.metadata.traceId}`);
    else if (type === 'google.rpc.RetryInfo') parts.push(`${type} ${f.retry_delay.seconds + f.retry_delay.nanos / 1e9}`);
    else if (type === 'google.rpc.BadRequest') parts.push(`${type} ${f.field_violations.map((v) => `${v.field}=${v.description}`).join(',')}`);
    else parts.push(`${type} ${f === null ? 'none' : JSON.stringify(f)}`);
  }
  console.log(parts.join('|'));
});
JS
)" || fail "Node error reader"
[[ "$got_py" == "$want" ]] || fail "Python error reader: got '$got_py', want '$want'"
[[ "$got_node" == "$want" ]] || fail "Node error reader: got '$got_node', want '$want'"
echo "polyglot clients: both error readers decode ErrorInfo, RetryInfo, BadRequest and skip unknown details"

if grep -rqF -- "$token" "$work"/*.out "$work"/*.err "$work"/*.log "$work"/*-get.json; then
  fail "the location token appears in an output or log"
fi
echo "polyglot clients: no output or log holds the token"
