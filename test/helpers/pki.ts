/**
 * The test PKI (fixtures/pki/generate.sh), generated once into fixtures/out/pki and shared by every
 * test file. Safe to call from many test processes at once: the generator publishes atomically.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Absolute paths of one leaf's files. */
export interface PkiLeaf {
  /** The leaf certificate alone (PEM). */
  cert: string;
  /** Its private key (PKCS#8 PEM). */
  key: string;
  /** Leaf + issuing CA (PEM), what a server sends. */
  chain: string;
}

/** Absolute paths into the generated PKI. */
export interface Pki {
  dir: string;
  /** Test root certificate (RSA-2048, self-signed) and key. */
  root: string;
  rootKey: string;
  /** P-256 intermediate under the root, and its key. */
  ica: string;
  icaKey: string;
  /** A --capath directory holding the root under its `openssl rehash` name. */
  certsDir: string;
  /** Files of a leaf, e.g. leaf('p256'); throws when the generator made no such leaf. */
  leaf(name: LeafName): PkiLeaf;
  /** Any file of the PKI by name, e.g. file('untrusted-root.pem'); throws when missing. */
  file(name: string): string;
}

/** Leaves the generator makes (see fixtures/pki/generate.sh). */
export const LEAF_NAMES = [
  'rsa2048',
  'rsa4096',
  'p256',
  'p384',
  'ed25519',
  'expired',
  'notyet',
  'wronghost',
  'selfsigned',
  'untrusted',
  'nameconstraints',
  'wildcard',
  'cnonly',
  'sha1',
  'rsa1024',
  'direct',
  'client',
  'revoked',
] as const;
export type LeafName = (typeof LEAF_NAMES)[number];

/** The repository root (two levels above this file). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let cached: Promise<Pki> | undefined;

/** Generates the PKI if needed (once per process) and returns its paths. */
export function ensurePki(): Promise<Pki> {
  cached ??= build().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function build(): Promise<Pki> {
  const dir = join(repoRoot, 'fixtures', 'out', 'pki');
  if (!existsSync(join(dir, '.complete'))) {
    await run('bash', [join(repoRoot, 'fixtures', 'pki', 'generate.sh'), dir], { timeout: 120_000 });
  }
  const file = (name: string): string => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new Error(`test PKI has no ${name} (${dir})`);
    return p;
  };
  return {
    dir,
    root: file('root.pem'),
    rootKey: file('root.key'),
    ica: file('ica.pem'),
    icaKey: file('ica.key'),
    certsDir: file('certs-dir'),
    leaf: (name) => ({ cert: file(`${name}.pem`), key: file(`${name}.key`), chain: file(`${name}.chain.pem`) }),
    file,
  };
}
