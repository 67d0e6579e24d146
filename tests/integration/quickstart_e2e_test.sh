#!/usr/bin/env bash
# README command 1, as a user runs it, checked: tools/quickstart must end with
# the summary line and leave an export holding exactly the demo location's
# 5,000 contacts, each once, field for field as the dataset has them; the CSV
# variant must have one header row and one row per contact.
set -euo pipefail
root="$1"
shared="${GHL_SHARED_DIR:-$root/../shared}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/tools/quickstart" --out "$work/contacts.jsonl" > "$work/out.txt" 2> "$work/err.txt" || {
  cat "$work/out.txt" "$work/err.txt"; exit 1; }
cat "$work/out.txt"
summary="$(tail -n 1 "$work/out.txt")"
[[ "$summary" =~ ^exported\ 5000\ contacts\ in\ 50\ pages\ in\ [0-9.]+\ s\ \([0-9]+\ contacts/s\)\ to\ .*contacts.jsonl$ ]] || {
  echo "unexpected summary line: $summary"; exit 1; }

/usr/bin/env python3 - "$work/contacts.jsonl" "$shared/data/location-demo/contacts.jsonl" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = {c["id"]: c for c in (json.loads(l) for l in open(sys.argv[2], encoding="utf-8"))}
ids = [c["id"] for c in got]
assert len(ids) == 5000, len(ids)
assert len(set(ids)) == 5000, "duplicates"
assert set(ids) == set(want), "different id set"
def norm(v):
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if x != []}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
bad = [c["id"] for c in got if norm(c) != norm(want[c["id"]])]
assert not bad, f"{len(bad)} contacts differ, e.g. {bad[0]}"
print("quickstart e2e: jsonl holds the 5000 demo contacts exactly")
PY

"$root/tools/quickstart" --format csv --out "$work/contacts.csv" > "$work/out-csv.txt" 2>&1 || {
  cat "$work/out-csv.txt"; exit 1; }
/usr/bin/env python3 - "$work/contacts.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
assert len(body) == 5000, len(body)
assert "id" in header and "tags" in header, header[:10]
ids = [r[header.index("id")] for r in body]
assert len(set(ids)) == 5000
assert all(len(r) == len(header) for r in body), "ragged rows"
print(f"quickstart e2e: csv has 1 header row ({len(header)} columns) and 5000 rows")
PY
