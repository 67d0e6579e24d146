#!/usr/bin/env bash
# `buf lint` of proto/ with the checked-in buf.yaml (STANDARD + COMMENTS,
# exceptions justified there). Fails on any finding, each printed as
# file:line:column:message; fails too if buf is missing (tools/install-deps
# puts it in tools/buf/).
set -euo pipefail
root="$1"
buf="${GHL_BUF_BIN:-$root/tools/buf/node_modules/.bin/buf}"
if [[ ! -x "$buf" ]]; then
  echo "buf lint: $buf not found (run tools/install-deps)" >&2
  exit 1
fi
cd "$root"
"$buf" lint
echo "buf lint: $(find proto -name '*.proto' | wc -l) proto files clean ($("$buf" --version))"
