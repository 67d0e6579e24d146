// Node client of ghl-gateway: the services of proto/ghl/contacts/v1, loaded
// at run time with @grpc/proto-loader (no generated code to keep in sync),
// called with @grpc/grpc-js; and a reader for gRPC errors that decodes any
// google.rpc.Status details the server attaches.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

// The repository's proto/ folder; another service that vendors the protos
// passes its own folder to load().
const DEFAULT_PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto');

// Loads ghl.contacts.v1 and returns its package object: new
// pkg.ContactsService(target, credentials), messages as plain objects with
// camelCase fields (locationId, pageSize); int64 as strings, enums as names.
function load(protoDir = process.env.GHL_PROTO_DIR || DEFAULT_PROTO_DIR) {
  const definition = protoLoader.loadSync(
    ['ghl/contacts/v1/contacts_service.proto'],
    { includeDirs: [protoDir], longs: String, enums: String, defaults: false, oneofs: true });
  return grpc.loadPackageDefinition(definition).ghl.contacts.v1;
}

// Channel credentials configured like ghlctl's: TLS trusting the PEM bundle
// of $GHL_GATEWAY_TLS_CA, or the system roots with GHL_GATEWAY_TLS=1;
// otherwise plaintext (a loopback gateway).
function gatewayCredentials(env = process.env) {
  if (env.GHL_GATEWAY_TLS_CA) return grpc.credentials.createSsl(fs.readFileSync(env.GHL_GATEWAY_TLS_CA));
  if (env.GHL_GATEWAY_TLS === '1') return grpc.credentials.createSsl();
  return grpc.credentials.createInsecure();
}

// Metadata for every call: `authorization: Bearer $GHL_API_KEY` when set (a
// gateway with a state file requires a key; without one it accepts every caller).
function callMetadata(env = process.env) {
  const md = new grpc.Metadata();
  if (env.GHL_API_KEY) md.set('authorization', `Bearer ${env.GHL_API_KEY}`);
  return md;
}

// The google.rpc messages a caller acts on, from their public wire contract
// (npm's google-proto-files would bring all of googleapis for four messages).
const rpcRoot = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
            BadRequest: {
              fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } },
                },
              },
            },
          },
        },
      },
    },
  },
});
const StatusType = rpcRoot.lookupType('google.rpc.Status');
const KNOWN_DETAILS = new Set(['google.rpc.ErrorInfo', 'google.rpc.RetryInfo', 'google.rpc.BadRequest']);

const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));

// { code: 3, codeName: 'INVALID_ARGUMENT', message, details: [{ type, fields }] }
// for an error of any call (unary callback/promise or stream 'error' event).
// `fields` is null for a detail type this reader does not decode.
function readError(err) {
  const out = { code: err.code, codeName: CODE_NAMES[err.code] || String(err.code), message: err.details || err.message, details: [] };
  const raw = err.metadata ? err.metadata.get('grpc-status-details-bin') : [];
  for (const bytes of raw) {
    const status = StatusType.decode(bytes);
    for (const any of status.details) {
      const type = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
      let fields = null;
      if (KNOWN_DETAILS.has(type)) {
        fields = rpcRoot.lookupType(type).toObject(rpcRoot.lookupType(type).decode(any.value),
          { longs: Number, defaults: false });
      }
      out.details.push({ type, fields });
    }
  }
  return out;
}

module.exports = { grpc, load, gatewayCredentials, callMetadata, readError, DEFAULT_PROTO_DIR };
