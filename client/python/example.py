#!/usr/bin/python3
"""ghl-gateway from Python: stream a location, create a contact, read an error.

    client/python/generate                      # stubs into build/client/python/gen
    /usr/bin/python3 client/python/example.py --location ve9EPM428h8vShlRW1KT

1. streams every contact of the location (ContactsService.ListContacts, one
   message per upstream page, flattened into contacts) and prints a count
   and contacts/s;
2. creates a contact and prints its id;
3. sends an invalid request (empty location_id) and prints how the error
   reads: code, message and any google.rpc.Status details.
Runs under Debian's /usr/bin/python3 (python3-grpcio), not a pyenv python.
TLS and the API key come from the environment as for ghlctl (gateway_channel.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--target", default=os.environ.get("GHL_GATEWAY", "127.0.0.1:50051"),
                   help="gateway address (default: $GHL_GATEWAY or 127.0.0.1:50051)")
    p.add_argument("--location", required=True, help="GHL location id")
    p.add_argument("--stubs", default=os.environ.get(
        "GHL_PY_STUBS", os.path.join(os.environ.get("GHL_BUILD_DIR", os.path.join(ROOT, "build")),
                                     "client", "python", "gen")),
        help="folder client/python/generate wrote (default: build/client/python/gen)")
    p.add_argument("--page-size", type=int, default=100, help="contacts per page, 1-100")
    p.add_argument("--ids-out", help="also write each streamed contact id to this file, one a line")
    return p.parse_args()


args = parse_args()
if not os.path.isdir(os.path.join(args.stubs, "ghl")):
    sys.exit(f"example: no generated stubs in {args.stubs}; run client/python/generate first")
sys.path.insert(0, args.stubs)
sys.path.insert(0, HERE)

import grpc  # noqa: E402
from ghl.contacts.v1 import contact_pb2, contacts_service_pb2, contacts_service_pb2_grpc  # noqa: E402
import gateway_channel  # noqa: E402
import rpc_status  # noqa: E402


def stream_contacts(stub, location_id: str, page_size: int, metadata=()):
    """Yields every contact of the location; pages are an implementation detail."""
    request = contacts_service_pb2.ListContactsRequest(location_id=location_id, page_size=page_size)
    # A whole location streams for minutes at GHL's rate limit: a generous
    # deadline, never none.
    for page in stub.ListContacts(request, metadata=metadata, timeout=3600):
        yield from page.contacts


def main() -> int:
    # TLS and the caller's API key come from the environment, as for ghlctl
    # (GHL_GATEWAY_TLS_CA / GHL_GATEWAY_TLS, GHL_API_KEY).
    metadata = gateway_channel.call_metadata()
    with gateway_channel.open_channel(args.target) as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)

        # 1. Export.
        start = time.monotonic()
        ids = [c.id for c in stream_contacts(stub, args.location, args.page_size, metadata)]
        seconds = time.monotonic() - start
        if args.ids_out:
            with open(args.ids_out, "w", encoding="utf-8") as f:
                f.writelines(i + "\n" for i in ids)
        print(f"streamed {len(ids)} contacts ({len(set(ids))} unique) in {seconds:.2f} s "
              f"({len(ids) / seconds if seconds > 0 else 0:.0f} contacts/s)")

        # 2. Create. A unique email, so reruns do not collide with GHL's
        # duplicate rules.
        tag = uuid.uuid4().hex[:12]
        contact = contact_pb2.Contact(first_name="Ada", last_name="Python",
                                      email=f"ada.python+{tag}@example.com", tags=["client-example"])
        created = stub.CreateContact(
            contacts_service_pb2.CreateContactRequest(location_id=args.location, contact=contact),
            metadata=metadata, timeout=30)
        print(f"created contact {created.id} ({created.email})")

        # 3. An error, read the way a caller should.
        try:
            stub.GetContact(contacts_service_pb2.GetContactRequest(location_id="", contact_id=created.id),
                            metadata=metadata, timeout=30)
        except grpc.RpcError as err:
            info = rpc_status.from_rpc_error(err)
            print(f"error code {info.code_name}: {info.message}")
            for type_name, fields in info.details:
                print(f"  detail {type_name}: {fields if fields is not None else '(not decoded)'}")
            if not info.details:
                print("  (no google.rpc.Status details attached)")
        else:
            print("error: the invalid request unexpectedly succeeded", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except grpc.RpcError as err:
        info = rpc_status.from_rpc_error(err)
        print(f"example: call failed: {info.code_name}: {info.message}", file=sys.stderr)
        sys.exit(1)
