/**
 * ECH through the library's handshake against the in-memory client-facing server
 * (test/helpers/tls-server-ech.ts): what each hello carries (RFC 9849 §6.1: the inner one the real
 * name and TLS 1.3 only, the outer one the public name; §6.1.3 padding to a multiple of 32), the
 * report facts, and the cost: one HPKE setup (one X25519 key pair and one DH beyond the key
 * shares) and one HPKE seal per connection, nothing without ECH. Real servers: interop/ech.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reader } from '../../src/tls/codec/bytes.js';
import { findExtension } from '../../src/tls/codec/extensions.js';
import { ExtensionType } from '../../src/tls/codec/registry.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { decodeEchClientHello } from '../../src/tls/ech/inner.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { connectPair, handshake } from '../helpers/tls-server.js';
import { testEchKey } from '../helpers/tls-server-ech.js';

/** A provider that counts X25519 key pairs and the seals of each AEAD it hands out, in creation order. */
function counting(): { provider: CryptoProvider; x25519: () => number; seals: number[] } {
  const seals: number[] = [];
  let x25519 = 0;
  const provider: CryptoProvider = Object.create(nodeProvider) as CryptoProvider;
  provider.generateKeyShare = (group, priv) => {
    if (group === 'x25519') x25519++;
    return nodeProvider.generateKeyShare(group, priv);
  };
  provider.createAead = (name, key) => {
    const aead = nodeProvider.createAead(name, key);
    const i = seals.push(0) - 1;
    return {
      ...aead,
      seal: (n, pt, aad) => {
        seals[i] = (seals[i] ?? 0) + 1;
        return aead.seal(n, pt, aad);
      },
      open: (n, ct, aad) => aead.open(n, ct, aad),
    };
  };
  return { provider, x25519: () => x25519, seals };
}

const versions = (data: Uint8Array): number[] => {
  const r = new Reader(data).sub8(2, 254);
  const out: number[] = [];
  while (r.remaining > 0) out.push(r.u16());
  return out;
};

test('accepted: inner hello has the real name and TLS 1.3 only, outer the public name; one HPKE setup and one seal', async () => {
  const key = testEchKey(nodeProvider, 'public.example');
  const c = counting();
  const keylog: string[] = [];
  const pair = await connectPair(
    { ech: { key } },
    { provider: c.provider, groups: ['x25519'], keyShareGroups: ['x25519'], ech: { configList: key.configList } },
    { events: { keylog: (line) => keylog.push(line) } },
  );
  handshake(pair);
  // Key log lines name ClientHelloInner's random, the accepted handshake's.
  const randoms = new Set(keylog.map((l) => l.split(' ')[1]));
  assert.deepEqual([...randoms], [Buffer.from(pair.server.facts.echInnerRandom ?? []).toString('hex')]);
  const info = pair.conn.handshake.info;
  assert.deepEqual(info.ech, { status: 'accepted', outerServerName: 'public.example', retryConfigs: null });
  assert.equal(pair.server.facts.servername, 'localhost');
  assert.ok(pair.server.facts.echInnerRandom);
  const outer = pair.server.clientHellos[0];
  assert.ok(outer);
  const sni = findExtension(outer.extensions, ExtensionType.server_name);
  assert.match(Buffer.from(sni?.data ?? []).toString('latin1'), /public\.example$/);
  assert.deepEqual(
    versions(findExtension(outer.extensions, ExtensionType.supported_versions)?.data ?? new Uint8Array()),
    [0x0304, 0x0303],
  );
  const ech = decodeEchClientHello(
    findExtension(outer.extensions, ExtensionType.encrypted_client_hello)?.data ?? new Uint8Array(),
  );
  assert.notEqual(ech, 'inner');
  if (ech !== 'inner') assert.equal((ech.payload.length - 16) % 32, 0, 'EncodedClientHelloInner padded to 32 (§6.1.3)');
  // One key share plus HPKE's ephemeral key; the HPKE AEAD is the first one made and seals once.
  assert.equal(c.x25519(), 2);
  assert.equal(c.seals[0], 1);
});

test('without ECH: no extension, no HPKE work (the first AEAD made is a record key)', async () => {
  const c = counting();
  const pair = await connectPair({}, { provider: c.provider, groups: ['x25519'], keyShareGroups: ['x25519'] });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.ech.status, 'not offered');
  assert.equal(
    findExtension(pair.server.clientHellos[0]?.extensions ?? [], ExtensionType.encrypted_client_hello),
    undefined,
  );
  assert.equal(c.x25519(), 1);
});

test('rejected by a server without the key: handshake verified for the public name, retry configs kept, ech_required', async () => {
  const key = testEchKey(nodeProvider, 'localhost');
  const served = testEchKey(nodeProvider, 'localhost', 9);
  const pair = await connectPair({ ech: { retryConfigs: served.configList } }, { ech: { configList: key.configList } });
  assert.throws(() => handshake(pair));
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert && f.description === AlertDescription.ech_required && !f.received, String(f));
  const e = pair.conn.handshake.info.ech;
  assert.equal(e.status, 'rejected');
  assert.deepEqual(e.retryConfigs, served.configList);
  assert.equal(pair.conn.handshake.info.verify.code, 0);
  pair.server.pump();
  assert.deepEqual(
    pair.server.alertsReceived.map((a) => a.description),
    [AlertDescription.ech_required],
  );
});

test('rejected, public name not on the certificate: verification fails first (hostname mismatch), no ech_required', async () => {
  const key = testEchKey(nodeProvider, 'public.example');
  const pair = await connectPair({}, { ech: { configList: key.configList } });
  assert.throws(() => handshake(pair));
  assert.equal(pair.conn.handshake.info.ech.status, 'rejected');
  assert.equal(pair.conn.handshake.info.verify.code, 62);
});

test('GREASE: an outer-looking extension, reported as GREASE; the server ignores it', async () => {
  const pair = await connectPair({}, { ech: { grease: true } });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.ech.status, 'grease');
  const ech = findExtension(pair.server.clientHellos[0]?.extensions ?? [], ExtensionType.encrypted_client_hello);
  assert.ok(ech);
  const f = decodeEchClientHello(ech.data);
  assert.notEqual(f, 'inner');
  if (f !== 'inner') assert.equal(f.enc.length, 32);
});
