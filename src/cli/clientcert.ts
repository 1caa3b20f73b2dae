/** Loading the client certificate chain and key for --cert/--key (PEM files). */
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { UsageError } from './errors.js';
import { fileProblem } from './files.js';

/** Reads a PEM chain (leaf first) and its private key; the key must match the leaf. */
export function loadClientCertificate(certPath: string, keyPath: string): { chain: Uint8Array[]; key: Uint8Array } {
  const pem = readText(certPath, '--cert');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new UsageError(`--cert ${certPath}: no PEM certificate found`);
  let chain: X509Certificate[];
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch (e) {
    throw new UsageError(`--cert ${certPath}: ${(e as Error).message}`);
  }
  let key;
  try {
    key = createPrivateKey(readText(keyPath, '--key'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--key ${keyPath}: not a usable private key (${(e as Error).message})`);
  }
  if (!chain[0]?.checkPrivateKey(key))
    throw new UsageError(`--key ${keyPath} does not match the certificate in --cert ${certPath}`);
  return {
    chain: chain.map((c) => new Uint8Array(c.raw)),
    key: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
  };
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw fileProblem(flag, path, 'read', e);
  }
}
