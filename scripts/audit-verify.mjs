#!/usr/bin/env node
// `npm run audit:verify -- export.ndjson [--keys jwks.json | --key public.pem]`
// Verifies an audit export (GET /v1/audit-events/export) offline: every sealed event's link, every
// signed anchor with the public key, each anchor against the event at its seq. Needs Node.js only.
// Exit status: 0 verified, 1 a check failed, 2 the command itself was wrong. docs/audit.md,
// "Verifying an export offline". An archive of a dropped month (same format) verifies the same way:
// one that does not start at seq 1 has its first prevHash taken on trust (the report says so);
// archives concatenated oldest first verify as one chain (docs/audit.md, "Retention and archives").
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { readKeys, verifyExport } from './lib/audit-verify-core.mjs';

const USAGE = 'usage: npm run audit:verify -- export.ndjson [--keys jwks.json | --key public.pem]';

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { keys: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (error) {
  usage(error.message);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length !== 1) usage('give exactly one export file');
const [file] = positionals;

let keys;
try {
  keys = readKeys({
    jwks: values.keys === undefined ? undefined : readFileSync(values.keys, 'utf8'),
    pem: values.key === undefined ? undefined : readFileSync(values.key, 'utf8'),
  });
} catch (error) {
  usage(`cannot use the keys: ${error.message}`);
}

const readLines = () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
let report;
try {
  report = await verifyExport(readLines, keys);
} catch (error) {
  usage(`cannot read ${file}: ${error.message}`);
}
if (report.anchors > 0 || report.failure?.message.includes('not among the keys')) {
  if (keys.size === 0) usage('the export carries signed anchors: give the public keys (--keys or --key)');
}

const range = report.firstSeq === null ? '' : ` (seq ${report.firstSeq} to ${report.lastSeq}${report.fromGenesis ? ', from the genesis' : ', first prevHash taken on trust'})`; // prettier-ignore
const lastAnchor = report.lastAnchor ? `${report.lastAnchor.seq} (signed ${report.lastAnchor.signedAt})` : 'none';
const lines = [
  `  events verified:              ${report.events}${range}`,
  `  anchors verified:             ${report.anchors}${report.keyIds.size ? ` (keys ${[...report.keyIds].join(', ')}; issuer ${[...report.issuers].join(', ')})` : ''}`, // prettier-ignore
  `  last anchored seq:            ${lastAnchor}`,
  `  events after the last anchor: ${report.afterLastAnchor} (covered by the hash chain only)`,
  `  events not yet sealed:        ${report.unsealed} (no seq yet: not verifiable)`,
];
if (report.failure) {
  process.stdout.write(`FAILED: ${file}, line ${report.failure.line}: ${report.failure.message}\n`);
  process.stdout.write(`Checked before the failure:\n${lines.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`VERIFIED: ${file}\n${lines.join('\n')}\n`);
if (report.anchors === 0) {
  process.stdout.write('  note: no signed anchor covers these events; the chain alone cannot show a rewrite of it\n');
}
