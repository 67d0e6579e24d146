#!/usr/bin/env bash
# Issue 5: an export of 10,000 contacts with 10% of upstream calls faulted,
# with the gateway killed (SIGKILL) and restarted mid-export.
# 1. ghlctl keeps running and resumes the broken stream from its last resume
#    token; the file must hold exactly the 10,000 contacts, each once.
# 2. The gateway and ghlctl are both killed mid-export; after the gateway's
#    restart, `ghlctl export --resume` continues the file: the same set.
# 3. The gateway gets SIGTERM mid-export: it exits 0 after ending the stream
#    with a resume token; ghlctl continues on the restarted gateway: the
#    same set again.
set -euo pipefail
build="${GHL_BUILD_DIR:?}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
loc=ve9EPM428h8vShlRW1KT
cat > "$work/tokens.json" <<JSON
[{"locationId": "$loc", "token": "pit-restart-test-only", "scopes": ["contacts.readonly"]}]
JSON
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_file() { for _ in $(seq 1 300); do [[ -s "$1" ]] && return 0; sleep 0.1; done; echo "timeout waiting for $1"; return 1; }

"$build/tools/ghl-sandbox/ghl-sandbox" --contacts 10000 --seed 3 --location-id "$loc" --tokens "$work/tokens.json" \
  --port-file "$work/sandbox.port" --fault-seed 21 \
  --fault 429:p=0.02 --fault 5xx:p=0.02 --fault malformed:p=0.015 --fault truncated:p=0.015 \
  --fault reset:p=0.015 --fault slow:p=0.015,bps=400000 --fault latency:ms=40 \
  > "$work/sandbox.log" 2>&1 &
pids+=($!)
wait_file "$work/sandbox.port"
sandbox="http://127.0.0.1:$(cat "$work/sandbox.port")"
port="$(free_port)"

start_gateway() {
  "$build/server/ghl-gateway" --listen "127.0.0.1:$port" --upstream "$sandbox" --tokens-file "$work/tokens.json" \
    --retry-initial-backoff-ms 20 --retry-max-attempts 8 >> "$work/gateway.log" 2>&1 &
  gateway=$!
  pids+=("$gateway")
}
start_gateway

"$build/client/ghlctl/ghlctl" --gateway "127.0.0.1:$port" export --location "$loc" --out "$work/contacts.jsonl" \
  > "$work/ghlctl.out" 2> "$work/ghlctl.err" &
ghlctl=$!
pids+=("$ghlctl")

# Kill the gateway once a good part of the export went through it.
requests=0
for _ in $(seq 1 600); do
  requests="$(curl -s "$sandbox/_sandbox/stats" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')"
  (( requests >= 35 )) && break
  sleep 0.05
done
kill -9 "$gateway"
wait "$gateway" 2>/dev/null || true
echo "restart export: gateway killed after $requests upstream calls"
sleep 0.5
start_gateway

if ! wait "$ghlctl"; then
  echo "ghlctl export failed:"; cat "$work/ghlctl.err" "$work/gateway.log"; exit 1
fi
cat "$work/ghlctl.out"

# Phase 2: kill both mid-export, then --resume.
upstream_calls() { curl -s "$sandbox/_sandbox/stats" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
"$build/client/ghlctl/ghlctl" --gateway "127.0.0.1:$port" export --location "$loc" --out "$work/again.jsonl" \
  > "$work/ghlctl2.out" 2> "$work/ghlctl2.err" &
ghlctl=$!
pids+=("$ghlctl")
base="$(upstream_calls)"
for _ in $(seq 1 600); do
  (( $(upstream_calls) >= base + 40 )) && break
  sleep 0.05
done
kill -9 "$ghlctl" "$gateway"
wait "$ghlctl" "$gateway" 2>/dev/null || true
[[ -f "$work/again.jsonl.partial.resume" ]] || { echo "no checkpoint after the kill"; cat "$work/ghlctl2.err"; exit 1; }
[[ ! -f "$work/again.jsonl" ]] || { echo "a killed export must not leave the final file"; exit 1; }
echo "restart export: ghlctl and gateway killed after $(( $(upstream_calls) - base )) upstream calls"
start_gateway
if ! "$build/client/ghlctl/ghlctl" --gateway "127.0.0.1:$port" export --location "$loc" --out "$work/again.jsonl" \
    --resume > "$work/ghlctl3.out" 2> "$work/ghlctl3.err"; then
  echo "ghlctl export --resume failed:"; cat "$work/ghlctl3.err"; exit 1
fi
cat "$work/ghlctl3.out"

# Phase 3: SIGTERM (graceful) mid-export, then a restart.
"$build/client/ghlctl/ghlctl" --gateway "127.0.0.1:$port" export --location "$loc" --out "$work/third.jsonl" \
  > "$work/ghlctl4.out" 2> "$work/ghlctl4.err" &
ghlctl=$!
pids+=("$ghlctl")
base="$(upstream_calls)"
for _ in $(seq 1 600); do
  (( $(upstream_calls) >= base + 40 )) && break
  sleep 0.05
done
kill -TERM "$gateway"
if ! wait "$gateway"; then echo "ghl-gateway did not exit 0 on SIGTERM"; tail -5 "$work/gateway.log"; exit 1; fi
grep -q "shutting down" "$work/gateway.log" || { echo "no shutdown line in the gateway log"; exit 1; }
echo "restart export: gateway stopped by SIGTERM after $(( $(upstream_calls) - base )) upstream calls"
start_gateway
if ! wait "$ghlctl"; then echo "ghlctl export failed after SIGTERM:"; cat "$work/ghlctl4.err"; exit 1; fi
cat "$work/ghlctl4.out"

/usr/bin/python3 - "$work/contacts.jsonl" "$work/again.jsonl" "$sandbox" "$work/third.jsonl" <<'PY'
import json, sys, urllib.request
def ids(path):
    return [json.loads(l)["id"] for l in open(path, encoding="utf-8")]
first, again, third = ids(sys.argv[1]), ids(sys.argv[2]), ids(sys.argv[4])
for name, got in (("gateway restart", first), ("--resume", again), ("SIGTERM", third)):
    assert len(got) == 10000, f"{name}: {len(got)} lines"
    assert len(set(got)) == 10000, f"{name}: {len(got) - len(set(got))} duplicates"
assert set(first) == set(again) == set(third), "a resumed export holds another set"
stats = json.load(urllib.request.urlopen(sys.argv[3] + "/_sandbox/stats"))
faults = {k: v for k, v in stats["faults"].items() if k != "latency"}
assert sum(faults.values()) >= 5, faults
print(f"restart export: 10000 unique contacts after a gateway kill, the same set after ghlctl --resume "
      f"and after a SIGTERM; "
      f"{stats['requests']} upstream calls, faults {faults}")
PY
