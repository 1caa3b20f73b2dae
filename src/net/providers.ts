/**
 * Crypto provider selection. Loading a module is I/O, so it happens here and not in the sans-IO
 * core: the node provider loads eagerly (it is the default); the noble provider is imported only
 * when asked for, so a default run never loads @noble/curves, ciphers or hashes beyond what ML-KEM
 * needs (scripts/bundle.mjs keeps it lazy inside the bundle).
 */
import { nodeProvider, type CryptoProvider, type ProviderName } from '../tls/crypto/index.js';

/** The crypto provider called `name`, loading the noble one on first use. */
export async function getProvider(name: ProviderName): Promise<CryptoProvider> {
  switch (name) {
    case 'node':
      return nodeProvider;
    case 'noble':
      return (await import('../tls/crypto/noble.js')).nobleProvider;
    default:
      throw new TypeError(`unknown crypto provider ${String(name)}`);
  }
}
