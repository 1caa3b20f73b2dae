/**
 * Child process of test/unit/hostile-heap.test.ts: the product's X25519 key generation
 * (nodeProvider.generateKeyShare('x25519'), i.e. crypto.generateKeyPairSync + a JWK export of the
 * public key) under old-generation allocation pressure, as a long run of connections produces it.
 * Prints "done <n>" when all iterations finished. Before ca18da3 (generateKeyPairSync + JWK
 * export), Node 20.20 instead hung for ever in a native deadlock (KeyObjectHandle::ExportJWK holds the key's mutex while V8 allocates;
 * the GC it triggers runs ~KeyGenJob of the same pair, which waits on that mutex) — no timer, no
 * --timeout can fire then. The parent's kill timer is the bound.
 *
 *   node --max-semi-space-size=1 --import tsx test/helpers/x25519-keygen-child.ts [iterations = 300000] [fixed-key]
 *
 * A 1 MB semi-space made scavenges frequent enough that Node 20.20 hung within seconds (5 of 5
 * runs); with 'fixed-key' (shares made from random private-key bytes, no KeyGenJob) it finished.
 */
import { nodeProvider } from '../../src/tls/crypto/index.js';

const N = Number(process.argv[2] ?? 300_000);
/** 'fixed-key': shares from a random private key (no KeyGenJob), the control / the suggested fix. */
const fixedKey = process.argv[3] === 'fixed-key';
let junk: unknown[] = [];
const keep: unknown[] = [];
for (let i = 0; i < N; i++) {
  const share = fixedKey
    ? nodeProvider.generateKeyShare('x25519', nodeProvider.randomBytes(32))
    : nodeProvider.generateKeyShare('x25519');
  if (share.publicKey.length !== 32) throw new Error('bad public key');
  // Per-connection garbage (records, messages, strings) plus a little that survives, as in a long run.
  for (let k = 0; k < 20; k++) junk.push({ a: new Array(50).fill(i), s: 'x'.repeat(30) + i });
  if (junk.length > 200_000) {
    keep.push(junk.slice(0, 1000));
    junk = [];
  }
  if (i % 10_000 === 0) process.stderr.write(`${i}\n`);
}
console.log(`done ${N}`);
