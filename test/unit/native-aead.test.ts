/**
 * The optional native AEAD (native/aead.c, src/tls/crypto/native-aead.ts, issue 14): its results
 * against node:crypto's (the same OpenSSL, one cipher object per record), the binding's own checks
 * of what it is given, the reused memory and when the record layer may write over it.
 *
 * `npm run build` builds the binding where a compiler is (CI requires it: .ci/run); where it could
 * not be built, the tests that need it check the fallback instead: the node provider is then
 * node:crypto's, and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { getProvider } from '../../src/net/providers.js';
import { nativeAeadBinding, type NATIVE_AEAD_ENV } from '../../src/net/native-aead.js';
import { MemoryTransport } from '../../src/net/memory.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { isReusingSealer, type ReusingSealer } from '../../src/tls/record/protection.js';
import type { AeadName } from '../../src/tls/codec/names.js';
import type { Aead } from '../../src/tls/crypto/provider.js';
import { connectPair, handshake, readExactly, writeAll } from '../helpers/tls-server.js';

const ADDON = fileURLToPath(new URL('../../native/build/Release/tls_probe_aead.node', import.meta.url));
const binding = nativeAeadBinding();
const AEADS: [AeadName, number][] = [
  ['AES-128-GCM', 16],
  ['AES-256-GCM', 32],
  ['CHACHA20-POLY1305', 32],
];
const hex = (b: Uint8Array | null): string => (b ? Buffer.from(b).toString('hex') : 'null');
const ENV: typeof NATIVE_AEAD_ENV = 'TLS_PROBE_NATIVE_AEAD';

/** The node provider's AEAD on the binding, as a ReusingSealer. */
async function nativeAead(name: AeadName, key: Uint8Array): Promise<ReusingSealer & Aead> {
  const a = (await getProvider('node')).createAead(name, key);
  assert.ok(isReusingSealer(a), 'the node provider seals with the native binding');
  return a;
}

test('the node provider seals with the native binding when it is built, with node:crypto otherwise', async () => {
  const provider = await getProvider('node');
  if (existsSync(ADDON)) {
    assert.ok(binding, `${ADDON} is built but did not load or failed its known answer`);
    assert.notEqual(provider, nodeProvider);
    assert.ok(isReusingSealer(provider.createAead('AES-128-GCM', new Uint8Array(16))));
  } else {
    assert.equal(binding, undefined);
    assert.equal(provider, nodeProvider);
  }
  // Switched off, it is node:crypto's whether or not it is built.
  const src = new URL('../../src/net/providers.ts', import.meta.url).href;
  const off = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import(${JSON.stringify(src)}).then(async (m) => console.log((await m.getProvider('node')).createAead('AES-128-GCM', new Uint8Array(16)).constructor.name))`,
    ],
    { env: { ...process.env, [ENV]: '0' }, encoding: 'utf8' },
  );
  assert.equal(off.stdout.trim(), 'NodeAeadImpl', off.stderr);
});

test('native and node:crypto AEADs agree: seal, sealRecord in parts, the reusing calls, forgeries refused', async () => {
  if (!binding) return assert.equal(await getProvider('node'), nodeProvider);
  for (const [name, keyLength] of AEADS) {
    const key = randomBytes(keyLength);
    const ours = await nativeAead(name, key);
    const ref = nodeProvider.createAead(name, key);
    for (const size of [0, 1, 15, 16, 17, 8191, 8192, 16383, 16384, 16385]) {
      const nonce = randomBytes(12);
      const aad = randomBytes(13);
      const pt = randomBytes(size);
      const want = ref.seal(nonce, pt, aad);
      assert.equal(hex(ours.seal(nonce, pt, aad)), hex(want), `${name} ${size} seal`);
      const prefix = Uint8Array.of(23, 3, 3, 0, 0);
      const parts = [pt.subarray(0, size >> 1), pt.subarray(size >> 1)];
      for (const rec of [
        ours.sealRecord(nonce, aad, prefix, parts),
        ours.sealRecordReusing(nonce, aad, prefix, parts),
      ]) {
        assert.equal(hex(rec.subarray(0, 5)), hex(prefix), `${name} ${size} prefix`);
        assert.equal(hex(rec.subarray(5)), hex(want), `${name} ${size} record`);
      }
      assert.equal(hex(ours.open(nonce, want, aad)), hex(pt), `${name} ${size} open`);
      assert.equal(hex(ours.openReusing(nonce, want, aad)), hex(pt), `${name} ${size} openReusing`);
      const forged = Uint8Array.from(want);
      forged[forged.length - 1]! ^= 0x80;
      assert.equal(ours.open(nonce, forged, aad), null, `${name} ${size} forged tag`);
      assert.equal(ours.openReusing(nonce, want, randomBytes(13)), null, `${name} ${size} other AAD`);
      ours.recycle();
    }
  }
});

test('the binding checks what it is given before OpenSSL sees a pointer', async () => {
  if (!binding) return assert.equal(await getProvider('node'), nodeProvider);
  const h = binding.create(0, new Uint8Array(16));
  const n12 = new Uint8Array(12);
  const none = new Uint8Array(0);
  const pt = randomBytes(64);
  const bad = (f: () => unknown, what: string) => assert.throws(f, TypeError, what);
  bad(() => binding.create(3, new Uint8Array(16)), 'unknown algorithm');
  bad(() => binding.create(1, new Uint8Array(16)), 'AES-256 with a 16-byte key');
  bad(() => binding.seal(h, new Uint8Array(11), none, [pt], new Uint8Array(80), 0), '11-byte nonce');
  bad(() => binding.seal(h, n12, none, [pt], new Uint8Array(79), 0), 'no room for the tag');
  bad(() => binding.seal(h, n12, none, [pt], new Uint8Array(100), 30), 'no room after the offset');
  bad(() => binding.seal(h, n12, none, [pt], new Uint8Array(80), 81), 'offset past the end');
  bad(() => binding.seal(h, n12, none, Array(9).fill(none), new Uint8Array(80), 0), 'nine parts');
  bad(
    () => binding.seal(h, n12, none, [new Uint16Array(4) as unknown as Uint8Array], new Uint8Array(80), 0),
    'a Uint16Array',
  );
  bad(() => binding.seal({}, n12, none, [pt], new Uint8Array(80), 0), 'not a handle');
  // A part behind a getter that detaches `out`: the getter runs before any pointer is taken, so
  // the binding sees an empty `out` and refuses it, rather than writing to freed memory.
  const outBuffer = new ArrayBuffer(80);
  const sneaky: Uint8Array[] = [];
  Object.defineProperty(sneaky, 0, {
    get: () => {
      structuredClone(outBuffer, { transfer: [outBuffer] });
      return pt;
    },
  });
  sneaky.length = 1;
  const detached = new Uint8Array(outBuffer);
  bad(() => binding.seal(h, n12, none, sneaky, detached, 0), 'out detached by a getter');
  // In place is fine; a part that overlaps the output elsewhere is refused.
  const buf = new Uint8Array(100);
  buf.set(pt);
  assert.equal(binding.seal(h, n12, none, [buf.subarray(0, 64)], buf, 0), 80);
  bad(() => binding.seal(h, n12, none, [buf.subarray(0, 64)], buf, 4), 'partial overlap');
  const sealed = buf.slice(0, 80);
  bad(() => binding.open(h, n12, none, sealed, new Uint8Array(63), 0), 'no room for the plaintext');
  assert.equal(binding.open(h, n12, none, sealed.subarray(0, 15), new Uint8Array(0), 0), false, 'shorter than a tag');
  // A forgery is refused and what was decrypted is wiped, not left for a careless caller.
  const out = new Uint8Array(64).fill(0xaa);
  sealed[79]! ^= 1;
  assert.equal(binding.open(h, n12, none, sealed, out, 0), false);
  assert.ok(out.every((b) => b === 0));
  sealed[79]! ^= 1;
  assert.equal(binding.open(h, n12, none, sealed, sealed, 0), true, 'in place');
  assert.equal(hex(sealed.subarray(0, 64)), hex(pt));
});

test('reused memory: a 16 KiB record is written over only after recycle(), small ones never share', async () => {
  if (!binding) return assert.equal(await getProvider('node'), nodeProvider);
  const a = await nativeAead('AES-128-GCM', randomBytes(16));
  const n = new Uint8Array(12);
  const big = [randomBytes(16384)];
  const r1 = a.sealRecordReusing(n, new Uint8Array(5), new Uint8Array(5), big);
  const r2 = a.sealRecordReusing(n, new Uint8Array(5), new Uint8Array(5), big);
  assert.equal(r1.buffer, r2.buffer);
  assert.notEqual(r1.byteOffset, r2.byteOffset);
  a.recycle();
  const r3 = a.sealRecordReusing(n, new Uint8Array(5), new Uint8Array(5), big);
  assert.equal(r3.buffer, r1.buffer);
  assert.equal(r3.byteOffset, r1.byteOffset);
  a.release();
  assert.notEqual(a.sealRecordReusing(n, new Uint8Array(5), new Uint8Array(5), big).buffer, r1.buffer);
  const small = a.sealRecordReusing(n, new Uint8Array(5), new Uint8Array(5), [randomBytes(100)]);
  assert.equal(small.buffer.byteLength, small.length, 'a small record has memory of its own');
  // What nobody hands back (sealRecord, open) never comes from the reused memory.
  assert.notEqual(a.sealRecord(n, new Uint8Array(5), new Uint8Array(5), big).buffer, r1.buffer);
});

/** A transport that keeps the views it is given (as a socket does while the kernel is busy). */
class ViewKeepingTransport extends MemoryTransport {
  override readonly holdsNoChunks = false;
  override write(bytes: Uint8Array): { n: number } {
    this.outgoing.queue.push(bytes);
    return { n: bytes.length };
  }
}

test('the record layer writes over sealed records only once the transport keeps no views of them', async () => {
  for (const keeps of [false, true]) {
    const pair = await connectPair();
    handshake(pair);
    if (keeps) {
      const t = new ViewKeepingTransport(pair.clientTransport.incoming, pair.clientTransport.outgoing);
      (pair.conn as unknown as { transport: MemoryTransport }).transport = t;
    }
    // Two 64 KiB writes before the server reads any: with a view-keeping transport, the second
    // must not be sealed over the first (the server would see bad_record_mac).
    const data = randomBytes(256 * 1024);
    pair.server.readSlowly(0);
    for (let off = 0; off < data.length; off += 65536)
      assert.equal(pair.conn.write(data.subarray(off, off + 65536)), 65536);
    pair.server.readSlowly(null);
    pair.server.pump();
    assert.equal(pair.server.error, undefined, `keeps views: ${keeps}`);
    assert.equal(hex(pair.server.received()), hex(data), `keeps views: ${keeps}`);
  }
});

test('the record layer reuses opened records only once the app-data queue is empty', async () => {
  const pair = await connectPair();
  handshake(pair);
  const data = randomBytes(200 * 1024);
  pair.server.send(data);
  // Small reads leave records queued while more are opened: none may be written over.
  const got = Buffer.alloc(data.length);
  let off = 0;
  while (off < data.length) {
    const part = readExactly(pair, Math.min(1000, data.length - off));
    got.set(part, off);
    off += part.length;
  }
  assert.equal(hex(got), hex(data));
  writeAll(pair, Uint8Array.of(1));
});
