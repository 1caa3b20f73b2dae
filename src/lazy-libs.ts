/**
 * The CLI bundle's stand-in for src/tls/libs.ts and src/cli/cli-libs.ts (scripts/bundle.mjs resolves
 * both files to this one): the same getters, each a `require` that esbuild bundles as a module
 * initialiser run at its first call, so that a run that never meets a wildcard SAN, an ML-DSA
 * signature, an ML-KEM ciphertext or a compressed Certificate, or never paints in colour, never
 * evaluates those libraries. Not used outside the bundle: in the
 * ES-module tsc output `require` does not exist, and src/tls/libs.ts's imports serve.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { Libs } from './tls/libs.js';
import type { CliLibs } from './cli/cli-libs.js';

export const libs: Libs = {
  tldts: () => require('tldts') as ReturnType<Libs['tldts']>,
  mlDsa: () => require('@noble/post-quantum/ml-dsa.js') as ReturnType<Libs['mlDsa']>,
  mlKem: () => require('@noble/post-quantum/ml-kem.js') as ReturnType<Libs['mlKem']>,
  fzstd: () => require('fzstd') as ReturnType<Libs['fzstd']>,
  zlib: () => require('node:zlib') as ReturnType<Libs['zlib']>,
};

export const cliLibs: CliLibs = {
  chalk: () => require('chalk') as ReturnType<CliLibs['chalk']>,
};
