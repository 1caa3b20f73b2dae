/**
 * Crypto provider selection. Loading a module is I/O, so it happens here and not in the sans-IO
 * core: the node provider loads eagerly (it is the default), with its AEADs on the native binding
 * when that is built (src/net/native-aead.ts); the noble provider is imported only when asked for,
 * so a default run never loads @noble/curves, ciphers or hashes beyond what ML-KEM needs
 * (scripts/bundle.mjs keeps it lazy inside the bundle).
 */
import { nodeProvider, type CryptoProvider, type ProviderName } from '../tls/crypto/index.js';
import { withNativeAead } from '../tls/crypto/native-aead.js';
import { nativeAeadBinding } from './native-aead.js';

let node: CryptoProvider | undefined;

/** The crypto provider called `name`, loading the noble one on first use. */
export async function getProvider(name: ProviderName): Promise<CryptoProvider> {
  switch (name) {
    case 'node': {
      if (!node) {
        const binding = nativeAeadBinding();
        node = binding ? withNativeAead(nodeProvider, binding) : nodeProvider;
      }
      return node;
    }
    case 'noble':
      return (await import('../tls/crypto/noble.js')).nobleProvider;
    default:
      throw new TypeError(`unknown crypto provider ${String(name)}`);
  }
}
