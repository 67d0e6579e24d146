#!/usr/bin/env bash
# `buf breaking` of proto/ against the released image
# proto/released/ghl-v1.binpb (tools/buf/release-baseline cuts it at a
# release; buf.yaml says which rules). Then proves the check can fail: a copy
# of proto/ with one field of Contact renumbered must be rejected, naming the
# field, while a copy with one field added must pass.
set -euo pipefail
root="$1"
buf="${GHL_BUF_BIN:-$root/tools/buf/node_modules/.bin/buf}"
baseline="$root/proto/released/ghl-v1.binpb"
if [[ ! -x "$buf" ]]; then
  echo "buf breaking: $buf not found (run tools/install-deps)" >&2
  exit 1
fi
if [[ ! -s "$baseline" ]]; then
  echo "buf breaking: no baseline $baseline (tools/buf/release-baseline)" >&2
  exit 1
fi
cd "$root"
"$buf" breaking --against "$baseline"
echo "buf breaking: proto/ is compatible with $(basename "$baseline")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
contact=ghl/contacts/v1/contact.proto
copy() {  # a fresh copy of the module in $tmp/$1
  mkdir -p "$tmp/$1"
  cp buf.yaml "$tmp/$1/"
  cp -r proto "$tmp/$1/"
}

# A breaking change: Contact.first_name renumbered.
copy renumbered
sed -i 's/^  optional string first_name = 4;$/  optional string first_name = 1004;/' "$tmp/renumbered/proto/$contact"
grep -q 'first_name = 1004;' "$tmp/renumbered/proto/$contact" || {
  echo "buf breaking: the mutation did not apply (contact.proto changed?)" >&2
  exit 1
}
if (cd "$tmp/renumbered" && "$buf" breaking --against "$baseline") >"$tmp/renumbered.out" 2>&1; then
  echo "buf breaking: a renumbered Contact.first_name was NOT rejected" >&2
  exit 1
fi
if ! grep -q 'first_name' "$tmp/renumbered.out"; then
  echo "buf breaking: rejected the renumbering without naming the field:" >&2
  cat "$tmp/renumbered.out" >&2
  exit 1
fi
echo "buf breaking: rejects a renumbered field: $(grep -m1 first_name "$tmp/renumbered.out")"

# An additive change passes.
copy added
sed -i 's/^  optional string first_name = 4;$/  optional string first_name = 4;\n  \/\/ Added in a later version.\n  optional string added_for_test = 9999;/' \
  "$tmp/added/proto/$contact"
grep -q 'added_for_test = 9999;' "$tmp/added/proto/$contact"
(cd "$tmp/added" && "$buf" breaking --against "$baseline")
echo "buf breaking: accepts an added field"
