#!/usr/bin/env python3
"""Writes the seed corpus of the contact mapping fuzzer into OUT_DIR.

Seeds come from the shared folder (never copied into the repository): every
JSON object example of the spec (apps/contacts.json: request and response
examples, schema examples), demo contacts one per file, and demo pages
({"contacts": [...]}) as the gateway receives them.

Usage: make_corpus.py SHARED_DIR OUT_DIR
"""
import json
import os
import sys


def examples(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "example" and isinstance(value, (dict, list)):
                yield value
            elif key == "examples" and isinstance(value, dict):
                for ex in value.values():
                    if isinstance(ex, dict) and "value" in ex:
                        yield ex["value"]
            else:
                yield from examples(value)
    elif isinstance(node, list):
        for item in node:
            yield from examples(item)


def main():
    shared, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    n = 0

    def write(obj):
        nonlocal n
        with open(os.path.join(out, f"seed-{n:04d}.json"), "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False)
        n += 1

    with open(os.path.join(shared, "ghl-api", "apps", "contacts.json"), encoding="utf-8") as f:
        spec = json.load(f)
    for ex in examples(spec):
        if isinstance(ex, dict):
            write(ex)
    with open(os.path.join(shared, "data", "location-demo", "contacts.jsonl"), encoding="utf-8") as f:
        contacts = [json.loads(line) for line in f]
    for c in contacts[::100]:
        write(c)
    for i in range(0, len(contacts), 1000):
        write({"contacts": contacts[i:i + 5], "meta": {"total": len(contacts), "startAfterId": contacts[i]["id"],
                                                      "startAfter": 1700000000000}})
    print(f"make_corpus: {n} seeds in {out}")


if __name__ == "__main__":
    main()
