/**
 * An ML-DSA test PKI made by OpenSSL 3.5 (test/helpers/openssl-next.ts): root ML-DSA-87, an
 * ML-DSA-65 intermediate, and leaves for localhost / 127.0.0.1 with ML-DSA-44, -65 and -87 keys,
 * plus a copy of the ML-DSA-65 leaf whose signature has one bit flipped. Generated once into
 * fixtures/out/mldsa-pki (ignored by git), like test/helpers/pki.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opensslNext } from './openssl-next.js';
import { repoRoot } from './pki.js';

export type MlDsaLeaf = 'mldsa44' | 'mldsa65' | 'mldsa87';
export interface MlDsaPki {
  dir: string;
  root: string;
  /** cert/key/chain (leaf then intermediate) of a leaf; 'bad-sig' is the mldsa65 leaf, signature corrupted. */
  leaf(name: MlDsaLeaf | 'bad-sig'): { cert: string; key: string; chain: string };
}

const PEM = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/;

/** Flips one bit in the last byte of a certificate's signature (the last byte of the DER). */
function corruptSignature(pem: string): string {
  const der = Buffer.from(PEM.exec(pem)?.[1]?.replace(/\s+/g, '') ?? '', 'base64');
  der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trim()}\n-----END CERTIFICATE-----\n`;
}

let cached: Promise<MlDsaPki> | undefined;

export function ensureMlDsaPki(): Promise<MlDsaPki> {
  cached ??= build().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function build(): Promise<MlDsaPki> {
  const dir = join(repoRoot, 'fixtures', 'out', 'mldsa-pki');
  if (!existsSync(join(dir, '.complete'))) await generate(dir);
  const f = (n: string): string => join(dir, n);
  return {
    dir,
    root: f('root.pem'),
    leaf: (name) => ({ cert: f(`${name}.pem`), key: f(`${name}.key`), chain: f(`${name}.chain.pem`) }),
  };
}

/**
 * Generates into a temporary sibling directory and renames it into place (as fixtures/pki/generate.sh
 * does): test files running at once never see a half-made PKI; the first rename wins.
 */
async function generate(dir: string): Promise<void> {
  mkdirSync(join(dir, '..'), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp.`);
  const f = (n: string): string => join(tmp, n);
  try {
    const o = (args: string[]): Promise<string> => opensslNext('3.5', args);
    writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    writeFileSync(
      f('leaf.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
        'subjectAltName=DNS:localhost,IP:127.0.0.1\n',
    );
    await o(
      ['req', '-x509', '-newkey', 'ML-DSA-87', '-nodes', '-keyout', f('root.key'), '-out', f('root.pem')].concat(
        ['-subj', '/CN=tls-probe ML-DSA root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE'],
        ['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
      ),
    );
    const issue = async (name: string, alg: string, cn: string, issuer: string, ext: string): Promise<void> => {
      await o([
        'req',
        '-newkey',
        alg,
        '-nodes',
        '-keyout',
        f(`${name}.key`),
        '-out',
        f(`${name}.csr`),
        '-subj',
        `/CN=${cn}`,
      ]);
      await o(
        ['x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${issuer}.pem`), '-CAkey', f(`${issuer}.key`)].concat([
          '-set_serial',
          String(Date.now() % 1000000),
          '-days',
          '825',
          '-extfile',
          f(ext),
          '-out',
          f(`${name}.pem`),
        ]),
      );
    };
    await issue('ica', 'ML-DSA-65', 'tls-probe ML-DSA intermediate', 'root', 'ca.ext');
    for (const [name, alg] of [
      ['mldsa44', 'ML-DSA-44'],
      ['mldsa65', 'ML-DSA-65'],
      ['mldsa87', 'ML-DSA-87'],
    ] as const) {
      await issue(name, alg, 'localhost', 'ica', 'leaf.ext');
      writeFileSync(
        f(`${name}.chain.pem`),
        readFileSync(f(`${name}.pem`), 'utf8') + readFileSync(f('ica.pem'), 'utf8'),
      );
    }
    const bad = corruptSignature(readFileSync(f('mldsa65.pem'), 'utf8'));
    writeFileSync(f('bad-sig.pem'), bad);
    writeFileSync(f('bad-sig.key'), readFileSync(f('mldsa65.key')));
    writeFileSync(f('bad-sig.chain.pem'), bad + readFileSync(f('ica.pem'), 'utf8'));
    writeFileSync(f('.complete'), '');
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process renamed its copy first (use that one), or a stale half-made dir is in the way.
      if (!existsSync(join(dir, '.complete'))) {
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
