#!/usr/bin/env node
// ghl-gateway from Node: stream a location, create a contact, read an error.
//
//   (cd client/node && npm ci)
//   node client/node/example.js --location ve9EPM428h8vShlRW1KT [--target HOST:PORT]
//
// 1. streams every contact of the location (ContactsService.ListContacts, one
//    message per upstream page, flattened into contacts) and prints a count
//    and contacts/s;
// 2. creates a contact and prints its id;
// 3. sends an invalid request (empty locationId) and prints how the error
//    reads: code, message and any google.rpc.Status details.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { load, gatewayCredentials, callMetadata, readError } = require('./ghl_client');

const { values: args } = parseArgs({
  options: {
    target: { type: 'string', default: process.env.GHL_GATEWAY || '127.0.0.1:50051' },
    location: { type: 'string' },
    'page-size': { type: 'string', default: '100' },
    'ids-out': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help || !args.location) {
  process.stdout.write('usage: example.js --location ID [--target HOST:PORT] [--page-size N] [--ids-out FILE]\n' +
    '  --target defaults to $GHL_GATEWAY or 127.0.0.1:50051\n');
  process.exit(args.help ? 0 : 2);
}

const deadline = (seconds) => new Date(Date.now() + seconds * 1000);

// Yields every contact of the location; pages are an implementation detail.
async function* streamContacts(client, locationId, pageSize, metadata) {
  // A whole location streams for minutes at GHL's rate limit: a generous
  // deadline, never none.
  const call = client.ListContacts({ locationId, pageSize }, metadata, { deadline: deadline(3600) });
  for await (const page of call) yield* page.contacts || [];
}

function unary(client, method, request, metadata) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: deadline(30) }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

async function main() {
  const { ContactsService } = load();
  // TLS and the caller's API key come from the environment, as for ghlctl
  // (GHL_GATEWAY_TLS_CA / GHL_GATEWAY_TLS, GHL_API_KEY).
  const client = new ContactsService(args.target, gatewayCredentials());
  const metadata = callMetadata();
  try {
    // 1. Export.
    const start = process.hrtime.bigint();
    const ids = [];
    for await (const contact of streamContacts(client, args.location, Number(args['page-size']), metadata)) ids.push(contact.id);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (args['ids-out']) fs.writeFileSync(args['ids-out'], ids.map((id) => `${id}\n`).join(''));
    const rate = seconds > 0 ? Math.round(ids.length / seconds) : 0;
    console.log(`streamed ${ids.length} contacts (${new Set(ids).size} unique) in ${seconds.toFixed(2)} s (${rate} contacts/s)`);

    // 2. Create. A unique email, so reruns do not collide with GHL's duplicate rules.
    const tag = crypto.randomBytes(6).toString('hex');
    const created = await unary(client, 'CreateContact', {
      locationId: args.location,
      contact: { firstName: 'Ada', lastName: 'Node', email: `ada.node+${tag}@example.com`, tags: ['client-example'] },
    }, metadata);
    console.log(`created contact ${created.id} (${created.email})`);

    // 3. An error, read the way a caller should.
    try {
      await unary(client, 'GetContact', { locationId: '', contactId: created.id }, metadata);
      console.error('error: the invalid request unexpectedly succeeded');
      return 1;
    } catch (err) {
      if (err.code === undefined) throw err;
      const info = readError(err);
      console.log(`error code ${info.codeName}: ${info.message}`);
      for (const d of info.details) console.log(`  detail ${d.type}: ${d.fields ? JSON.stringify(d.fields) : '(not decoded)'}`);
      if (info.details.length === 0) console.log('  (no google.rpc.Status details attached)');
    }
    return 0;
  } finally {
    client.close();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  if (err && err.code !== undefined && err.metadata) {
    const info = readError(err);
    console.error(`example: call failed: ${info.codeName}: ${info.message}`);
  } else {
    console.error(`example: ${err && err.stack ? err.stack : err}`);
  }
  process.exitCode = 1;
});
