/**
 * The TLS 1.2 external-PSK key exchanges, client side (handshake/psk12.ts): the ServerKeyExchange
 * with its psk_identity_hint (RFC 4279 §2) and ServerECDHParams (RFC 5489 §2), the ClientKeyExchange
 * (psk_identity, then our point for ECDHE_PSK), the pre-master secret as RFC 4279 §2 builds it (an
 * ECDHE_PSK one checked against the shared secret a node:crypto X25519 server computes), and PSK
 * suites offered only with a PSK configured. Both providers run.
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { Reader, Writer, toHex } from '../../src/tls/codec/bytes.js';
import { PSK_SUITES, TLS12_SUITES, groupByName, suiteByName } from '../../src/tls/codec/names.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { Context } from '../../src/tls/context.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { emptyInfo } from '../../src/tls/handshake/info.js';
import { offeredSuites } from '../../src/tls/handshake/clienthello.js';
import { pskClientKeyExchange, readPskServerKeyExchange } from '../../src/tls/handshake/psk12.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];
const KEY = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

function options(p: CryptoProvider, psk = true) {
  const ctx = new Context(p, { now: () => 0, ...(psk ? { psk: { identity: 'Client_identity', key: KEY } } : {}) });
  return ctx.options;
}

test('PSK suites are offered only with a PSK configured, ECDHE-PSK first', () => {
  const p = PROVIDERS[0];
  assert.ok(p);
  const without = offeredSuites(options(p, false));
  for (const s of PSK_SUITES) assert.ok(!without.includes(s.id), s.openssl);
  assert.ok(PSK_SUITES.every((s) => !TLS12_SUITES.includes(s)));
  const withPsk = offeredSuites(options(p));
  for (const s of PSK_SUITES) assert.ok(withPsk.includes(s.id), s.openssl);
  const chacha = suiteByName('ECDHE-PSK-CHACHA20-POLY1305');
  const plain = suiteByName('PSK-AES128-CBC-SHA');
  assert.deepEqual([chacha?.id, plain?.id, chacha?.kx, plain?.kx], [0xccac, 0x008c, 'ECDHE_PSK', 'PSK']);
  // An explicit --cipher list naming a PSK suite still offers nothing PSK without a PSK.
  const o = { ...options(p, false), cipherSuites12: [0x008c, 0xc02f] };
  assert.deepEqual(
    offeredSuites(o).filter((id) => id === 0x008c || id === 0xc02f),
    [0xc02f],
  );
});

for (const p of PROVIDERS) {
  test(`plain PSK: hint read, identity sent, pre-master = len || zeros || len || psk (${p.name})`, () => {
    const o = options(p);
    const info = emptyInfo(null, 16384);
    const ske = new Writer().vec16(new TextEncoder().encode('myhint')).finish();
    const kx = readPskServerKeyExchange(o, info, false, ske);
    assert.equal(kx.kind, 'psk');
    assert.equal(new TextDecoder().decode(kx.hint ?? new Uint8Array()), 'myhint');
    const cke = pskClientKeyExchange(p, o, kx);
    const r = new Reader(cke.body, 'ClientKeyExchange');
    assert.equal(new TextDecoder().decode(r.vec16()), 'Client_identity');
    r.end();
    const want = '0010' + '00'.repeat(16) + '0010' + toHex(KEY);
    assert.equal(toHex(cke.preMaster), want);
    // No ServerKeyExchange at all (RFC 4279 §2: optional): the same pre-master.
    assert.equal(toHex(pskClientKeyExchange(p, o, { kind: 'psk', hint: null }).preMaster), want);
  });

  test(`ECDHE_PSK: pre-master carries the X25519 secret the server computes (${p.name})`, () => {
    const o = options(p);
    const info = emptyInfo(null, 16384);
    const server = crypto.generateKeyPairSync('x25519');
    const serverPub = new Uint8Array(server.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const x25519 = groupByName('x25519');
    assert.ok(x25519);
    const ske = new Writer().vec16(new Uint8Array()).u8(3).u16(x25519.id).vec8(serverPub).finish();
    const kx = readPskServerKeyExchange(o, info, true, ske);
    assert.equal(info.group, x25519.id);
    const cke = pskClientKeyExchange(p, o, kx);
    const r = new Reader(cke.body, 'ClientKeyExchange');
    assert.equal(new TextDecoder().decode(r.vec16()), 'Client_identity');
    const clientPub = r.vec8(1);
    r.end();
    const clientKey = crypto.createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), clientPub]),
      format: 'der',
      type: 'spki',
    });
    const z = crypto.diffieHellman({ privateKey: server.privateKey, publicKey: clientKey });
    assert.equal(toHex(cke.preMaster), '0020' + z.toString('hex') + '0010' + toHex(KEY));
  });
}

test('PSK ServerKeyExchange: a group we did not offer is illegal_parameter, trailing bytes decode_error, a long hint handshake_failure', () => {
  const p = PROVIDERS[0];
  assert.ok(p);
  const o = { ...options(p), groups: ['secp256r1' as const] };
  const x25519 = groupByName('x25519');
  assert.ok(x25519);
  const ske = new Writer().vec16(new Uint8Array()).u8(3).u16(x25519.id).vec8(new Uint8Array(32).fill(9)).finish();
  assert.throws(
    () => readPskServerKeyExchange(o, emptyInfo(null, 16384), true, ske),
    (e) => e instanceof TlsAlert && e.description === AlertDescription.illegal_parameter,
  );
  const extra = new Writer().vec16(new Uint8Array()).u8(0).finish();
  assert.throws(
    () => readPskServerKeyExchange(o, emptyInfo(null, 16384), false, extra),
    (e) => e instanceof TlsAlert && e.description === AlertDescription.decode_error,
  );
  // OpenSSL and BoringSSL PSK_MAX_IDENTITY_LEN: a 129-byte hint is handshake_failure, 128 is fine.
  const hint = (n: number) => new Writer().vec16(new Uint8Array(n).fill(0x41)).finish();
  assert.equal(readPskServerKeyExchange(o, emptyInfo(null, 16384), false, hint(128)).hint?.length, 128);
  assert.throws(
    () => readPskServerKeyExchange(o, emptyInfo(null, 16384), false, hint(129)),
    (e) => e instanceof TlsAlert && e.description === AlertDescription.handshake_failure,
  );
});
