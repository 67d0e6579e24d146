"""Reads a gRPC error from ghl-gateway: code, message and rich details.

A server may attach a google.rpc.Status (with ErrorInfo, RetryInfo,
BadRequest ... details) in the `grpc-status-details-bin` trailer. Debian 12
packages no googleapis protos for Python (no googleapis-common-protos, no
grpcio-status), so the few google.rpc messages a caller acts on are declared
here from their public wire contract (field numbers and types), in a private
descriptor pool: nothing clashes if the googleapis package is installed too.

    try:
        stub.GetContact(request, timeout=30)
    except grpc.RpcError as err:
        info = rpc_status.from_rpc_error(err)
        print(info.code_name, info.message, info.details)
"""

from __future__ import annotations

import dataclasses

import grpc
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, duration_pb2
from google.protobuf import message_factory

_DETAILS_KEY = "grpc-status-details-bin"
_FD = descriptor_pb2.FieldDescriptorProto


def _field(msg, name, number, ftype, label=_FD.LABEL_OPTIONAL, type_name=""):
    f = msg.field.add(name=name, number=number, type=ftype, label=label)
    if type_name:
        f.type_name = type_name


def _build_pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    for dep in (any_pb2, duration_pb2):
        pool.AddSerializedFile(dep.DESCRIPTOR.serialized_pb)
    f = descriptor_pb2.FileDescriptorProto(
        name="ghl_client/google_rpc_wire.proto", package="google.rpc", syntax="proto3",
        dependency=["google/protobuf/any.proto", "google/protobuf/duration.proto"])

    status = f.message_type.add(name="Status")
    _field(status, "code", 1, _FD.TYPE_INT32)
    _field(status, "message", 2, _FD.TYPE_STRING)
    _field(status, "details", 3, _FD.TYPE_MESSAGE, _FD.LABEL_REPEATED, ".google.protobuf.Any")

    info = f.message_type.add(name="ErrorInfo")
    _field(info, "reason", 1, _FD.TYPE_STRING)
    _field(info, "domain", 2, _FD.TYPE_STRING)
    entry = info.nested_type.add(name="MetadataEntry")
    entry.options.map_entry = True
    _field(entry, "key", 1, _FD.TYPE_STRING)
    _field(entry, "value", 2, _FD.TYPE_STRING)
    _field(info, "metadata", 3, _FD.TYPE_MESSAGE, _FD.LABEL_REPEATED,
           ".google.rpc.ErrorInfo.MetadataEntry")

    retry = f.message_type.add(name="RetryInfo")
    _field(retry, "retry_delay", 1, _FD.TYPE_MESSAGE, type_name=".google.protobuf.Duration")

    bad = f.message_type.add(name="BadRequest")
    violation = bad.nested_type.add(name="FieldViolation")
    _field(violation, "field", 1, _FD.TYPE_STRING)
    _field(violation, "description", 2, _FD.TYPE_STRING)
    _field(bad, "field_violations", 1, _FD.TYPE_MESSAGE, _FD.LABEL_REPEATED,
           ".google.rpc.BadRequest.FieldViolation")

    pool.Add(f)
    return pool


_POOL = _build_pool()


def _message_class(full_name: str):
    desc = _POOL.FindMessageTypeByName(full_name)
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.22
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(_POOL).GetPrototype(desc)


_STATUS = _message_class("google.rpc.Status")
_KNOWN = {name: _message_class(name) for name in
          ("google.rpc.ErrorInfo", "google.rpc.RetryInfo", "google.rpc.BadRequest")}


@dataclasses.dataclass
class RpcErrorInfo:
    """What a caller needs from a failed call."""
    code: grpc.StatusCode
    message: str
    # One entry per google.rpc.Status detail: (type name, dict of its fields),
    # or (type name, None) for a type this module does not decode.
    details: list = dataclasses.field(default_factory=list)

    @property
    def code_name(self) -> str:
        return self.code.name

    def detail(self, type_name: str):
        """The first detail of `type_name` (e.g. "google.rpc.RetryInfo"), or None."""
        return next((fields for name, fields in self.details if name == type_name), None)


def _to_dict(msg) -> dict:
    out = {}
    for field, value in msg.ListFields():
        if field.message_type and field.message_type.GetOptions().map_entry:
            out[field.name] = dict(value)
        elif field.message_type and field.message_type.full_name == "google.protobuf.Duration":
            out[field.name] = value.seconds + value.nanos / 1e9
        elif field.label == _FD.LABEL_REPEATED and field.message_type:
            out[field.name] = [_to_dict(v) for v in value]
        elif field.label == _FD.LABEL_REPEATED:
            out[field.name] = list(value)
        else:
            out[field.name] = value
    return out


def from_rpc_error(err: grpc.RpcError) -> RpcErrorInfo:
    """Code, message and decoded details of a grpc.RpcError (unary or stream)."""
    info = RpcErrorInfo(code=err.code(), message=err.details() or "")
    for key, value in err.trailing_metadata() or ():
        if key != _DETAILS_KEY:
            continue
        status = _STATUS.FromString(value)
        for detail in status.details:
            type_name = detail.type_url.rsplit("/", 1)[-1]
            cls = _KNOWN.get(type_name)
            info.details.append((type_name, _to_dict(cls.FromString(detail.value)) if cls else None))
    return info
