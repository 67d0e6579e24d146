"""A channel to ghl-gateway configured like ghlctl's, from the environment.

- GHL_API_KEY: sent as `authorization: Bearer <key>` on every call (a gateway
  with a state file requires one; without, it accepts every caller).
- GHL_GATEWAY_TLS_CA=ca.pem: TLS, trusting that PEM bundle;
  GHL_GATEWAY_TLS=1: TLS with the system roots; neither: plaintext (loopback).

    channel = gateway_channel.open_channel("127.0.0.1:50051")
    stub.GetContact(request, metadata=gateway_channel.call_metadata(), timeout=30)
"""

from __future__ import annotations

import os

import grpc


def open_channel(target: str) -> grpc.Channel:
    ca = os.environ.get("GHL_GATEWAY_TLS_CA")
    if ca or os.environ.get("GHL_GATEWAY_TLS") == "1":
        roots = None
        if ca:
            with open(ca, "rb") as f:
                roots = f.read()
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=roots))
    return grpc.insecure_channel(target)


def call_metadata() -> tuple:
    key = os.environ.get("GHL_API_KEY")
    return (("authorization", f"Bearer {key}"),) if key else ()
