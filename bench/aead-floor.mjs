#!/usr/bin/env node
/**
 * The floor of bulk throughput on node:crypto's public API (issue 14): what the calls that seal
 * and open one TLS 1.3 record cost by themselves, per MiB of application data, next to node:tls's
 * whole client CPU per MiB for the same transfer (measured as bench/bulk.mjs measures it, against
 * `openssl s_server`, in the same run).
 *
 * node:crypto cannot give an AEAD context a new nonce, so each record needs a cipher object of its
 * own: createCipheriv + setAAD + update + final + getAuthTag to seal (createDecipheriv +
 * setAuthTag + setAAD + update + final to open), and update() returns a new Buffer each time.
 * node:tls runs the same OpenSSL AEAD in C++ on one long-lived context and writes into buffers it
 * reuses, so these calls alone can cost more than node:tls's whole client. Nothing else of
 * tls-probe (record layer, socket writes, syscalls) is in the floor figures.
 *
 * With the native binding built (native/aead.c, scripts/build-native.mjs), the same records are
 * also sealed and opened through it as src/tls/crypto/native-aead.ts does with reused memory: one
 * context per key, a new nonce per record, output into the same 128 KiB ("native" figures).
 *
 * Prints figures, asserts nothing. CPU time is this process's (user + system), medians of ROUNDS.
 *
 *   node bench/aead-floor.mjs [--rounds 5] [--mib 128] [--no-tls]
 */
import * as crypto from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median, nodeOptions, pki } from './handshakes.mjs';
import { SUITES, makeFile, nodeDown, nodeUp, startSink, startWww } from './bulk.mjs';

const MiB = 1024 * 1024;
const RECORD = 16384;
const CIPHERS = {
  TLS_AES_128_GCM_SHA256: ['aes-128-gcm', 16],
  TLS_AES_256_GCM_SHA384: ['aes-256-gcm', 32],
  TLS_CHACHA20_POLY1305_SHA256: ['chacha20-poly1305', 32],
};

/** CPU ms per MiB of `mib` MiB through `perRecord` (one call per 16 KiB record). */
function cpuPerMiB(mib, perRecord) {
  const records = (mib * MiB) / RECORD;
  const c0 = process.cpuUsage();
  for (let i = 0; i < records; i++) perRecord(i);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / mib;
}

/**
 * The unavoidable calls per record, as src/tls/crypto/node-ciphers.ts makes them: the plaintext
 * is one record (16 KiB of data + the inner content type byte), the AAD the 5-byte record header.
 */
function floors(cipher, keyLength, mib) {
  const key = crypto.createSecretKey(crypto.randomBytes(keyLength));
  const plain = crypto.randomBytes(RECORD + 1);
  const aad = Buffer.from([23, 3, 3, (RECORD + 17) >> 8, (RECORD + 17) & 0xff]);
  const nonce = (i) => {
    const n = Buffer.alloc(12);
    n.writeUInt32BE(i, 8);
    return n;
  };
  const seal = (i) => {
    const c = crypto.createCipheriv(cipher, key, nonce(i), { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plain.length });
    const ct = c.update(plain);
    c.final();
    return [ct, c.getAuthTag()];
  };
  // Records to open: sealed once, opened over and over.
  const sealed = Array.from({ length: 64 }, (_, i) => seal(i));
  const open = (i) => {
    const [ct, tag] = sealed[i % 64];
    const d = crypto.createDecipheriv(cipher, key, nonce(i % 64), { authTagLength: 16 });
    d.setAuthTag(tag);
    d.setAAD(aad, { plaintextLength: ct.length });
    d.update(ct);
    d.final();
  };
  // The AEAD by itself: update() on one long-lived context, as node:tls's OpenSSL runs it.
  const one = crypto.createCipheriv(cipher, key, nonce(0), { authTagLength: 16 });
  const stream = () => one.update(plain);
  cpuPerMiB(8, seal); // warm-up
  const out = { seal: cpuPerMiB(mib, seal), open: cpuPerMiB(mib, open), update: cpuPerMiB(mib, stream) };
  if (!native) return out;
  const alg = { 'aes-128-gcm': 0, 'aes-256-gcm': 1, 'chacha20-poly1305': 2 }[cipher];
  const h = native.create(alg, key.export());
  const arena = new Uint8Array(128 * 1024);
  const record = arena.subarray(0, 5 + plain.length + 16);
  native.seal(h, nonce(0), aad, [plain], record, 5);
  const ct = Uint8Array.from(record.subarray(5));
  const nativeSeal = (i) => native.seal(h, nonce(i), aad, [plain], arena, 5);
  const nativeOpen = () => native.open(h, nonce(0), aad, ct, arena, 0);
  return { ...out, nativeSeal: cpuPerMiB(mib, nativeSeal), nativeOpen: cpuPerMiB(mib, nativeOpen) };
}

/** The binding as src/net/native-aead.ts loads it, or null when it is not built. */
function loadNative() {
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'build', 'Release', 'tls_probe_aead.node');
  if (!existsSync(path)) return null;
  const m = { exports: {} };
  process.dlopen(m, path);
  return m.exports;
}
const native = loadNative();

const rounds = arg('rounds', 5);
const mib = arg('mib', 128);
const withTls = !process.argv.includes('--no-tls');
const p = withTls ? pki() : null;
const dir = withTls ? mkdtempSync(join(tmpdir(), 'tls-probe-floor-')) : null;
const file = dir ? makeFile(dir, 'big.bin', mib * MiB) : null;
const down = dir ? await startWww(p, dir) : null;
const up = p ? await startSink(p) : null;
const chunk = new Uint8Array(crypto.randomBytes(MiB));
try {
  process.stdout.write(
    `per MiB of application data in 16 KiB TLS 1.3 records, CPU ms/MiB, median of ${rounds} (${mib} MiB each)\n`,
  );
  for (const suite of SUITES) {
    const [cipher, keyLength] = CIPHERS[suite];
    const f = { seal: [], open: [], update: [], nativeSeal: [], nativeOpen: [], up: [], down: [] };
    const opts = p ? nodeOptions(p, { version: 13, suite }) : null;
    for (let r = 0; r < rounds; r++) {
      const x = floors(cipher, keyLength, mib);
      f.seal.push(x.seal);
      f.open.push(x.open);
      f.update.push(x.update);
      if (native) {
        f.nativeSeal.push(x.nativeSeal);
        f.nativeOpen.push(x.nativeOpen);
      }
      if (opts) {
        for (const [dirName, run] of [
          ['up', () => nodeUp(opts, up.port, mib * MiB, chunk)],
          ['down', () => nodeDown(opts, down.port, mib * MiB, file)],
        ]) {
          const c0 = process.cpuUsage();
          await run();
          const c = process.cpuUsage(c0);
          f[dirName].push((c.user + c.system) / 1000 / mib);
        }
      }
    }
    const m = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.length ? median(v) : NaN]));
    const line = [
      `${suite.padEnd(30)} seal calls ${m.seal.toFixed(2)}`,
      `open calls ${m.open.toFixed(2)}`,
      `(update() on one context ${m.update.toFixed(2)})`,
    ];
    if (native) line.push(`native seal ${m.nativeSeal.toFixed(2)} open ${m.nativeOpen.toFixed(2)}`);
    if (opts) {
      line.push(`| node:tls client up ${m.up.toFixed(2)} (seal floor ${(m.seal / m.up).toFixed(2)}x)`);
      line.push(`down ${m.down.toFixed(2)} (open floor ${(m.open / m.down).toFixed(2)}x)`);
    }
    process.stdout.write(line.join('  ') + '\n');
  }
} finally {
  down?.stop();
  up?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
