/**
 * Fuzz targets for the issue-16 decoders (same driver and property as targets.ts: only the
 * project's typed errors may escape): ECHConfigList and its text forms, the server-side inverse of
 * the ClientHelloInner encoding, HRR / ServerHello confirmation extraction, CompressedCertificate
 * with zlib / brotli / zstd decompression, the post-quantum server shares, and ML-DSA SPKIs and
 * signatures (which must answer false, never throw).
 */
import { brotliCompressSync, deflateSync } from 'node:zlib';
import { Reader, Writer } from '../../src/tls/codec/bytes.js';
import { HRR_RANDOM, type ClientHello } from '../../src/tls/codec/handshake.js';
import {
  decodeCompressedCertificate,
  encodeCompressedCertificate,
} from '../../src/tls/codec/compressed-certificate.js';
import { sigSchemeByName } from '../../src/tls/codec/sigschemes.js';
import { decompressCertificate } from '../../src/tls/crypto/cert-decompress.js';
import { pqEncapsulate, PQ_GROUPS, type PqGroup } from '../../src/tls/crypto/hybrid.js';
import { x25519PublicKey } from '../../src/tls/crypto/hpke.js';
import { mlDsaVerify } from '../../src/tls/crypto/mldsa.js';
import { nodeProvider as p } from '../../src/tls/crypto/node.js';
import {
  chooseEchConfig,
  decodeEchConfigList,
  echConfigListFromText,
  echConfigListToBase64,
  encodeEchConfig,
  encodeEchConfigList,
} from '../../src/tls/ech/config.js';
import { decodeClientHelloInner, echInnerExtension, encodeClientHelloInner } from '../../src/tls/ech/inner.js';
import { hrrForConfirmation, serverHelloForConfirmation } from '../../src/tls/ech/confirm.js';
import { ml_dsa44 } from '@noble/post-quantum/ml-dsa.js';
import type { FuzzTarget } from './targets.js';

const config = (id: number, name: string, suites: [number, number][], exts: [number, Uint8Array][] = []) =>
  encodeEchConfig({
    configId: id,
    kemId: 0x20,
    publicKey: x25519PublicKey(p, new Uint8Array(32).fill(id)),
    cipherSuites: suites.map(([kdfId, aeadId]) => ({ kdfId, aeadId })),
    maximumNameLength: 32,
    publicName: name,
    extensions: exts.map(([type, data]) => ({ type, data })),
  });

function echConfigTarget(): FuzzTarget {
  const seeds = [
    encodeEchConfigList([config(1, 'public.example', [[1, 1]])]),
    encodeEchConfigList([
      config(2, 'a.example', [
        [1, 3],
        [2, 2],
      ]),
      config(3, 'b.example', [[1, 1]], [[0x8001, Uint8Array.of(1)]]),
    ]),
  ];
  return {
    name: 'ech-config-list',
    seeds,
    run(input) {
      const list = decodeEchConfigList(input);
      echConfigListFromText(echConfigListToBase64(input));
      return chooseEchConfig(list) ? 'chosen' : 'none usable';
    },
  };
}

const sni = { type: 0, data: Uint8Array.of(0, 12, 0, 0, 9, ...new TextEncoder().encode('localhost')) };
const inner: ClientHello = {
  legacyVersion: 0x0303,
  random: new Uint8Array(32).fill(1),
  sessionId: new Uint8Array(0),
  cipherSuites: [0x1301],
  extensions: [
    sni,
    { type: 43, data: Uint8Array.of(2, 3, 4) },
    { type: 10, data: Uint8Array.of(0, 2, 0, 0x1d) },
    { type: 51, data: Uint8Array.of(0, 6, 0, 0x1d, 0, 2, 9, 9) },
    echInnerExtension(),
  ],
};
const outer: ClientHello = { ...inner, sessionId: new Uint8Array(32).fill(7) };

function echInnerTarget(): FuzzTarget {
  return {
    name: 'ech-inner',
    seeds: [encodeClientHelloInner(inner, [10, 51], 32), encodeClientHelloInner(inner, [], 0)],
    run(input) {
      decodeClientHelloInner(input, outer);
      return 'decoded';
    },
  };
}

function hrrTarget(): FuzzTarget {
  const hrr = (exts: Uint8Array): Uint8Array => {
    const body = new Writer()
      .u16(0x0303)
      .bytes(HRR_RANDOM)
      .vec8(new Uint8Array(32))
      .u16(0x1301)
      .u8(0)
      .vec16(exts)
      .finish();
    return new Uint8Array([2, 0, body.length >> 8, body.length & 0xff, ...body]);
  };
  return {
    name: 'ech-hrr-confirmation',
    seeds: [
      hrr(new Writer().u16(43).vec16(Uint8Array.of(3, 4)).u16(0xfe0d).vec16(new Uint8Array(8)).finish()),
      hrr(new Writer().u16(43).vec16(Uint8Array.of(3, 4)).finish()),
    ],
    run(input) {
      serverHelloForConfirmation(input);
      return hrrForConfirmation(input) ? 'found' : 'absent';
    },
  };
}

const TEXT = new TextEncoder().encode('certificate '.repeat(200));
/** A zstd frame (single segment, content size 2400, one raw block) made by hand (RFC 8878 §3.1.1). */
function rawZstd(data: Uint8Array): Uint8Array {
  const header = ((data.length << 3) | 1) >>> 0;
  const size = [data.length & 0xff, (data.length >> 8) & 0xff, 0, 0];
  return Uint8Array.from([
    0x28,
    0xb5,
    0x2f,
    0xfd,
    0xa0,
    ...size,
    header & 0xff,
    (header >> 8) & 0xff,
    header >> 16,
    ...data,
  ]);
}

function compressedCertificateTarget(): FuzzTarget {
  const msg = (algorithm: number, compressed: Uint8Array): Uint8Array =>
    encodeCompressedCertificate({ algorithm, uncompressedLength: TEXT.length, compressed });
  return {
    name: 'compressed-certificate',
    seeds: [
      msg(1, new Uint8Array(deflateSync(TEXT))),
      msg(2, new Uint8Array(brotliCompressSync(TEXT))),
      msg(3, rawZstd(TEXT)),
    ],
    run(input) {
      const m = decodeCompressedCertificate(input);
      return `${decompressCertificate(m, [1, 2, 3]).length === m.uncompressedLength ? 'decompressed' : 'wrong length'}`;
    },
  };
}

function pqShareTarget(): FuzzTarget {
  const groups = Object.keys(PQ_GROUPS) as PqGroup[];
  const clients = groups.map((g) => p.generateKeyShare(g));
  const seeds = groups.map((g, i) => {
    const ec = PQ_GROUPS[g].ec;
    const share = pqEncapsulate(
      g,
      clients[i]?.publicKey ?? new Uint8Array(0),
      ec ? p.generateKeyShare(ec.group) : undefined,
    );
    return Uint8Array.of(i, ...share.serverShare);
  });
  return {
    name: 'pq-server-shares',
    seeds,
    run(input) {
      const r = new Reader(input, 'fuzz');
      const i = r.u8() % groups.length;
      return clients[i]?.computeSecret(r.rest()).length ? 'secret' : 'empty';
    },
  };
}

function mlDsaTarget(): FuzzTarget {
  const { publicKey, secretKey } = ml_dsa44.keygen(new Uint8Array(32).fill(4));
  const data = new TextEncoder().encode('fuzz');
  const sig = ml_dsa44.sign(data, secretKey);
  const alg = [0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11];
  const bits = [0x03, 0x82, (publicKey.length + 1) >> 8, (publicKey.length + 1) & 0xff, 0, ...publicKey];
  const body = [...alg, ...bits];
  const spki = Uint8Array.from([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]);
  const scheme = sigSchemeByName('mldsa44');
  return {
    name: 'mldsa-verify',
    // Input: SPKI length (2 bytes), SPKI, signature.
    seeds: [Uint8Array.from([spki.length >> 8, spki.length & 0xff, ...spki, ...sig])],
    run(input) {
      const r = new Reader(input, 'fuzz');
      const key = r.bytes(Math.min(r.u16(), r.remaining));
      const s = r.rest();
      const ok = mlDsaVerify('ML-DSA-44', key, data, s);
      if (scheme && ok !== p.verify(scheme, key, data, s)) throw new Error('provider and mldsa.ts disagree');
      return ok ? 'verified' : 'refused';
    },
  };
}

export function buildTargets2026(): FuzzTarget[] {
  return [
    echConfigTarget(),
    echInnerTarget(),
    hrrTarget(),
    compressedCertificateTarget(),
    pqShareTarget(),
    mlDsaTarget(),
  ];
}
