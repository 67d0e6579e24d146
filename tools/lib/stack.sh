# Sourced by tools/quickstart and tools/stack: builds the three binaries and
# starts ghl-sandbox (the demo location) and ghl-gateway in front of it, with
# the sandbox's signed webhooks going to the gateway's webhook listener and
# its durable event log. Everything lives in "$run" (the caller sets it);
# stack_stop stops what was started.
#
# After stack_start: $sandbox_port, $gateway_port, $webhook_port,
# $metrics_port, $location, and GHL_GATEWAY exported.

root="${root:?}"
shared="${GHL_SHARED_DIR:-$root/../shared}"
build="${GHL_BUILD_DIR:-$root/build}"
location=ve9EPM428h8vShlRW1KT
stack_pids=()

stack_stop() {
  for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${stack_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stack_pids=()
}

stack_build() {
  local who="$1"
  if [[ ! -f "$shared/data/location-demo/contacts.jsonl" ]]; then
    echo "$who: demo data not found under $shared (set GHL_SHARED_DIR)" >&2
    exit 1
  fi
  "$root/tools/install-deps"
  mkdir -p "$build"
  echo "$who: building ghl-sandbox, ghl-gateway and ghlctl (first time: a few minutes)"
  if ! "$root/tools/build" ghl-sandbox ghl-gateway ghlctl > "$build/$who-build.log" 2>&1; then
    grep -vE '^\[[0-9]+/[0-9]+\]' "$build/$who-build.log" | tail -60 >&2
    echo "$who: build failed (full log: $build/$who-build.log)" >&2
    exit 1
  fi
}

# Waits until `file` is non-empty (or, with a pattern, holds a line matching
# it), failing with the process's log if it exits or takes over 10 s.
stack_wait_for() {
  local file="$1" pid="$2" name="$3" pattern="${4:-}"
  for _ in $(seq 1 200); do
    if [[ -z "$pattern" && -s "$file" ]] || { [[ -n "$pattern" ]] && grep -q "$pattern" "$file" 2>/dev/null; }; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited early:" >&2; cat "$run/$name.log" >&2; exit 1
    fi
    sleep 0.05
  done
  echo "$name did not start:" >&2; cat "$run/$name.log" >&2; exit 1
}

stack_start() {
  local who="$1"
  mkdir -p "$run"
  # A private-integration token for the demo location, readable by this user
  # only (kept across runs of tools/stack, so its state stays usable).
  if [[ ! -s "$run/tokens.json" ]]; then
    (
      umask 077
      token="pit-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
      printf '[{"locationId":"%s","token":"%s","scopes":["contacts.readonly","contacts.write"]}]\n' \
        "$location" "$token" > "$run/tokens.json"
    )
  fi
  rm -f "$run/sandbox.port" "$run/gateway.port"

  # The sandbox's own webhook keys (created at start); the gateway trusts
  # exactly these instead of GHL's production keys.
  "$build/tools/ghl-sandbox/ghl-sandbox" --data "$shared/data/location-demo" --tokens "$run/tokens.json" \
    --port 0 --port-file "$run/sandbox.port" --webhook-key-dir "$run/webhook-keys" \
    > "$run/ghl-sandbox.log" 2>&1 &
  stack_pids+=($!)
  stack_wait_for "$run/sandbox.port" "${stack_pids[-1]}" ghl-sandbox
  sandbox_port="$(cat "$run/sandbox.port")"
  echo "$who: ghl-sandbox serving the demo location on http://127.0.0.1:$sandbox_port"

  "$build/server/ghl-gateway" --listen 127.0.0.1:0 --port-file "$run/gateway.port" \
    --upstream "http://127.0.0.1:$sandbox_port" --tokens-file "$run/tokens.json" \
    --webhook-listen 127.0.0.1:0 --event-log "$run/events.db" --webhook-key-dir "$run/webhook-keys" \
    --metrics-listen 127.0.0.1:0 --log-file "$run/calls.log" > "$run/ghl-gateway.log" 2>&1 &
  stack_pids+=($!)
  stack_wait_for "$run/ghl-gateway.log" "${stack_pids[-1]}" ghl-gateway "webhooks on port"
  gateway_port="$(cat "$run/gateway.port")"
  webhook_port="$(sed -n 's/.*webhooks on port \([0-9]*\).*/\1/p' "$run/ghl-gateway.log" | head -1)"
  metrics_port="$(sed -n 's/.*metrics on port \([0-9]*\).*/\1/p' "$run/ghl-gateway.log" | head -1)"
  echo "$who: ghl-gateway listening on 127.0.0.1:$gateway_port (webhooks :$webhook_port, metrics :$metrics_port)"

  # Now that the listener's port is known: the sandbox sends its events there.
  if ! curl -fsS -X POST "http://127.0.0.1:$sandbox_port/_sandbox/webhooks" \
      -H 'Content-Type: application/json' \
      -d "{\"url\": \"http://127.0.0.1:$webhook_port/webhooks/ghl\", \"enabled\": true}" > /dev/null; then
    echo "$who: could not point the sandbox's webhooks at the gateway" >&2
    exit 1
  fi
  export GHL_GATEWAY="127.0.0.1:$gateway_port"
}
