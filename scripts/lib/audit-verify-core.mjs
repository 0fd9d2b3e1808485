// The offline verifier's logic (scripts/audit-verify.mjs is its command line). Written against
// docs/audit.md and docs/adr/0019 with Node's own crypto only, and on purpose without importing a
// line of Flowgate: an auditor's tool must not trust the code of the server it checks. A spec pins
// that its canonical JSON agrees with the server's (libs/audit/src/anchors/audit-verify.spec.ts).
import { createHash, createPublicKey, verify } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
export const ANCHOR_LINE_TYPE = 'audit.anchor';
export const ANCHOR_JWS_TYPE = 'flowgate-audit-anchor+jws';

/**
 * JSON with object keys sorted by UTF-16 code units and no white space (RFC 8785 style), for
 * values that came out of JSON.parse: numbers and strings are written as JSON.stringify writes them.
 */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** hash = hex(SHA-256(canonicalJson({ seq, prevHash, body }))) */
export function linkHash(seq, prevHash, body) {
  return createHash('sha256').update(canonicalJson({ seq, prevHash, body }), 'utf8').digest('hex');
}

/**
 * Public keys by kid from a JWKS text, or one PEM public key that stands for any kid. Private key
 * material is refused: an auditor never needs it, and holding it here would be a leak.
 */
export function readKeys({ jwks, pem }) {
  const keys = new Map();
  if (pem !== undefined) {
    if (/PRIVATE KEY/.test(pem)) throw new Error('the --key file holds a private key; give the public key');
    keys.set('*', checkedKey(createPublicKey(pem), 'the --key file'));
  }
  if (jwks !== undefined) {
    const set = JSON.parse(jwks);
    if (!Array.isArray(set?.keys)) throw new Error('the --keys file is not a JWKS ({"keys": [...]})');
    for (const jwk of set.keys) {
      if (typeof jwk.kid !== 'string') throw new Error('a key in the --keys file has no kid');
      if (jwk.d !== undefined) throw new Error(`key ${jwk.kid} in the --keys file is a private key`);
      keys.set(jwk.kid, checkedKey(createPublicKey({ key: jwk, format: 'jwk' }), `key ${jwk.kid}`));
    }
  }
  return keys;
}

function checkedKey(key, name) {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${name} is not an EC P-256 public key (ES256)`);
  }
  return key;
}

const fromBase64Url = (text) => Buffer.from(text, 'base64url');

/** Undefined when the anchor line's JWS holds and agrees with the line; else what is wrong. */
export function anchorProblem(line, keys) {
  if (typeof line.jws !== 'string') return 'the anchor has no jws';
  const parts = line.jws.split('.');
  if (parts.length !== 3) return 'the anchor jws is not a compact JWS';
  let header;
  let payload;
  try {
    header = JSON.parse(fromBase64Url(parts[0]).toString('utf8'));
    payload = JSON.parse(fromBase64Url(parts[1]).toString('utf8'));
  } catch {
    return 'the anchor jws header or payload is not JSON';
  }
  // An allow-list of one: never "none", never an HMAC keyed with the public key.
  if (header.alg !== 'ES256') return `the anchor is signed with ${String(header.alg)}, not ES256`;
  if (header.typ !== ANCHOR_JWS_TYPE) return `the jws is not an audit anchor (typ ${String(header.typ)})`;
  const key = keys.get(header.kid) ?? keys.get('*');
  if (!key) return `the anchor is signed with key ${String(header.kid)}, which is not among the keys given`;
  const signature = fromBase64Url(parts[2]);
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  if (signature.length !== 64 || !verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)) {
    return `the anchor's signature does not verify with key ${String(header.kid)}`;
  }
  for (const [name, signedValue, lineValue] of [
    ['seq', payload.seq, line.seq],
    ['hash', payload.hash, line.hash],
    ['signedAt', payload.signedAt, line.signedAt],
    ['keyId', header.kid, line.keyId],
  ]) {
    if (signedValue !== lineValue)
      return `the anchor line says ${name} ${lineValue}, its signature says ${signedValue}`;
  }
  if (!Number.isSafeInteger(payload.seq) || payload.seq < 1) return 'the anchor names no valid seq';
  return undefined;
}

/**
 * Verifies an export given as a way to read its lines (twice: anchors first, then the chain, so
 * memory holds the anchors only, never the events). Returns the report; `failure` is the first
 * problem by line number, if any.
 */
export async function verifyExport(readLines, keys) {
  const report = {
    events: 0,
    anchors: 0,
    firstSeq: null,
    lastSeq: null,
    fromGenesis: false,
    lastAnchor: null,
    afterLastAnchor: 0,
    unsealed: 0,
    keyIds: new Set(),
    issuers: new Set(),
    failure: undefined,
  };
  const fail = (line, message) => {
    if (!report.failure || line < report.failure.line) report.failure = { line, message };
  };

  // Pass 1: the anchors, each checked on its own.
  const anchors = new Map();
  let number = 0;
  for await (const text of readLines()) {
    number += 1;
    if (text.trim() === '') continue;
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      fail(number, 'not a JSON line');
      break;
    }
    if (line?.type === undefined) continue;
    if (line.type !== ANCHOR_LINE_TYPE) {
      fail(number, `unknown line type ${JSON.stringify(line.type)}`);
      continue;
    }
    const problem = anchorProblem(line, keys);
    if (problem) {
      fail(number, `anchor at seq ${line.seq}: ${problem}`);
      continue;
    }
    anchors.set(line.seq, { hash: line.hash, line: number, signedAt: line.signedAt, matched: false });
    report.keyIds.add(line.keyId);
    report.issuers.add(JSON.parse(fromBase64Url(line.jws.split('.')[1]).toString('utf8')).iss);
  }

  // Pass 2: the chain, link by link, and each anchor against the event at its seq.
  number = 0;
  let previous;
  for await (const text of readLines()) {
    number += 1;
    // Past the first failure of pass 1 nothing can come first any more.
    if (report.failure && number >= report.failure.line) break;
    if (text.trim() === '') continue;
    const line = JSON.parse(text);
    if (line?.type !== undefined) continue;
    const { seq, prevHash, hash, ...body } = line;
    if (seq === null) {
      report.unsealed += 1;
      continue;
    }
    const problem = linkProblem(previous, seq, prevHash, hash, body);
    if (problem) {
      fail(number, `event${Number.isSafeInteger(seq) ? ` seq ${seq}` : ''}: ${problem}`);
      break;
    }
    const anchor = anchors.get(seq);
    if (anchor) {
      anchor.matched = true;
      if (anchor.hash !== hash) {
        fail(number, `event seq ${seq}: hash ${hash} differs from the signed anchor on line ${anchor.line} (${anchor.hash}): the chain up to here was rewritten`); // prettier-ignore
        break;
      }
      report.anchors += 1;
      report.lastAnchor = { seq, signedAt: anchor.signedAt };
    }
    if (previous === undefined) {
      report.firstSeq = seq;
      report.fromGenesis = seq === 1;
    }
    report.events += 1;
    report.lastSeq = seq;
    previous = { seq, hash };
  }
  for (const [seq, anchor] of anchors) {
    if (anchor.matched) continue;
    const where =
      report.lastSeq === null || seq > report.lastSeq
        ? 'after the last event exported: events it signed were removed from the end'
        : 'before the first event exported: events it signed were removed from the start';
    fail(anchor.line, `anchor at seq ${seq} has no event at its seq, ${where}`);
  }
  report.afterLastAnchor =
    report.lastSeq === null ? 0 : report.lastSeq - (report.lastAnchor?.seq ?? report.firstSeq - 1);
  return report;
}

function linkProblem(previous, seq, prevHash, hash, body) {
  if (!Number.isSafeInteger(seq) || seq < 1) return `seq ${JSON.stringify(seq)} is not a sequence number`;
  if (typeof prevHash !== 'string' || typeof hash !== 'string') return 'prevHash or hash is missing';
  if (previous === undefined) {
    if (seq === 1 && prevHash !== GENESIS_HASH) return 'the first event does not start from the genesis hash';
  } else {
    if (seq !== previous.seq + 1) return `expected seq ${previous.seq + 1} (events missing or out of order)`;
    if (prevHash !== previous.hash) return `prevHash does not match the hash of seq ${previous.seq}`;
  }
  const expected = linkHash(seq, prevHash, body);
  if (hash !== expected) return `hash does not match the event's contents (recomputed ${expected}, line says ${hash})`;
  return undefined;
}
