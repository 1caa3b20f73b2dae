/**
 * The libraries the core needs only for some inputs: the Public Suffix List (a wildcard SAN), ML-DSA
 * (an ML-DSA certificate or CertificateVerify), ML-KEM decapsulation and the other post-quantum
 * groups, zstd and zlib/brotli (a compressed Certificate). Each is reached through a getter here,
 * never through a module-level binding elsewhere in src/tls, so that the CLI's bundle can load it
 * on first use: scripts/bundle.mjs substitutes src/lazy-libs.ts for this file, whose getters are
 * `require` calls that esbuild turns into module initialisers run at the first call (a cold default
 * run then skips ~10 ms of evaluating tldts's list and noble's ML-DSA tables). The library and the
 * tsc output load them here, eagerly, as ordinary imports: src/tls itself loads nothing at run time.
 */
import * as tldts from 'tldts';
import * as mlDsa from '@noble/post-quantum/ml-dsa.js';
import * as mlKem from '@noble/post-quantum/ml-kem.js';
import * as fzstd from 'fzstd';
import * as zlib from 'node:zlib';

/** The shape both this file and src/lazy-libs.ts export. */
export interface Libs {
  tldts(): Pick<typeof tldts, 'getPublicSuffix'>;
  mlDsa(): Pick<typeof mlDsa, 'ml_dsa44' | 'ml_dsa65' | 'ml_dsa87'>;
  mlKem(): Pick<typeof mlKem, 'ml_kem768' | 'ml_kem1024'>;
  fzstd(): Pick<typeof fzstd, 'Decompress'>;
  zlib(): Pick<typeof zlib, 'inflateSync' | 'brotliDecompressSync'>;
}

export const libs: Libs = {
  tldts: () => tldts,
  mlDsa: () => mlDsa,
  mlKem: () => mlKem,
  fzstd: () => fzstd,
  zlib: () => zlib,
};
