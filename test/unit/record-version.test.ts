/**
 * The record version after the ServerHello (BoGo CheckRecordVersion-TLS12/13, class F7 in
 * test/bogo/FAILURES.md): TLS 1.2 records carry the negotiated version (RFC 5246 Appendix E.1;
 * OpenSSL answers another with protocol_version), TLS 1.3 records legacy_record_version 0x0303
 * (RFC 8446 §5.1; OpenSSL answers another with decode_error). The first record (the ServerHello)
 * may carry any 3.x version, as before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { MutateHook } from '../helpers/tls-server.js';
import { connectPair, handshake } from '../helpers/tls-server.js';
import { runHostile } from '../helpers/hostile-server.js';

/** Rewrites the record-layer version of every record after the first to `version`. */
function laterRecordsAt(version: number, from = 2): MutateHook {
  let n = 0;
  return (kind, _type, bytes) => {
    if (kind !== 'record' || ++n < from) return bytes;
    const out = bytes.slice();
    out[1] = version >> 8;
    out[2] = version & 0xff;
    return out;
  };
}

for (const [name, version, alert] of [
  ['TLS 1.2', ProtocolVersion.TLS1_2, AlertDescription.protocol_version],
  ['TLS 1.3', ProtocolVersion.TLS1_3, AlertDescription.decode_error],
] as const) {
  test(`${name}: a record with version 0x03ff after the ServerHello is refused`, async () => {
    const pair = await connectPair({ version, mutate: laterRecordsAt(0x03ff) });
    const out = runHostile(pair);
    assert.equal(out.end, 'failed');
    const f = pair.conn.failure;
    assert.ok(f instanceof TlsAlert, String(f));
    assert.equal(f.description, alert, f.message);
    assert.match(f.message, /wrong version number/);
  });
}

test('TLS 1.2: records after the ServerHello at TLS 1.0 (not the negotiated version) are refused', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_2, mutate: laterRecordsAt(ProtocolVersion.TLS1_0) });
  const out = runHostile(pair);
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.protocol_version);
  assert.deepEqual(out.sent, ['protocol_version']);
});

test('the first record (ServerHello) may carry another 3.x version: the handshake completes', async () => {
  let n = 0;
  const firstAt0301: MutateHook = (kind, _t, bytes) => {
    if (kind !== 'record' || ++n !== 1) return bytes;
    const out = bytes.slice();
    out[2] = 0x01;
    return out;
  };
  for (const version of [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_3] as const) {
    n = 0;
    const pair = await connectPair({ version, mutate: firstAt0301 });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.version, version);
  }
});
