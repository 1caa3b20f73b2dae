/**
 * Provider selection. The node provider loads eagerly (it is the default); the noble provider is
 * imported only when asked for, so a default run never loads @noble/curves, ciphers or hashes
 * beyond what ML-KEM needs.
 */
import type { CryptoProvider, ProviderName } from './provider.js';
import { nodeProvider } from './node.js';

export { nodeProvider };
export type { Aead, BlockCipher, CryptoProvider, Hash, KeyShare, Pkcs8Der, ProviderName, SpkiDer } from './provider.js';
export { hybridEncapsulate, X25519MLKEM768_CLIENT_SHARE_LENGTH, X25519MLKEM768_SERVER_SHARE_LENGTH } from './hybrid.js';

/** The crypto provider called `name`, loading the noble one on first use. */
export async function getProvider(name: ProviderName): Promise<CryptoProvider> {
  switch (name) {
    case 'node':
      return nodeProvider;
    case 'noble':
      return (await import('./noble.js')).nobleProvider;
    default:
      throw new TypeError(`unknown crypto provider ${String(name)}`);
  }
}
