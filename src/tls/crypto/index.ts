/**
 * The crypto providers' interface and the node provider (the default). The noble provider is
 * loaded on demand by getProvider in src/net/providers.ts: loading a module is I/O, which the
 * sans-IO core leaves to its caller.
 */
import { nodeProvider } from './node.js';

export { nodeProvider };
export type { Aead, BlockCipher, CryptoProvider, Hash, KeyShare, Pkcs8Der, ProviderName, SpkiDer } from './provider.js';
export { hybridEncapsulate, X25519MLKEM768_CLIENT_SHARE_LENGTH, X25519MLKEM768_SERVER_SHARE_LENGTH } from './hybrid.js';
