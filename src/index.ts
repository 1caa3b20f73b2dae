/**
 * The tls-probe library: a sans-IO TLS 1.2/1.3 client with OpenSSL's SSL object semantics.
 *
 *   const ctx = new Context(await getProvider('node'), { trustAnchors, now: Date.now });
 *   const conn = new Connection(ctx, transport, { servername: 'example.com', verifyName: 'example.com' });
 *   conn.connect();   // 1, or -1 and conn.getError(-1) === SslError.WANT_READ / WANT_WRITE / ...
 *
 * A Transport is any non-blocking byte pipe (OpenSSL's BIO); SocketTransport wraps a node:net
 * socket, memoryPair() gives an in-memory pair for tests.
 */
export { Context, defaultOptions, DEFAULT_SIGALGS, type ContextOverrides } from './tls/context.js';
export { Connection, type ConnectionEvents } from './tls/connection.js';
export type { ClientParams } from './tls/handshake/client.js';
export {
  Mode,
  SslError,
  type ConnectionInfo,
  type ContextOptions,
  type RenegotiationMode,
  type EchInfo,
  type EchOptions,
  type CertInfo,
  type ErrorEntry,
  type MessageEvent,
  type Transport,
  type TransportRead,
  type TransportWrite,
  type VerifyCallbackInput,
} from './tls/types.js';
export { TlsAlert, SyscallError, VerifyError, UnexpectedEof } from './tls/errors.js';
export { UsageError } from './cli/errors.js';
export { AlertDescription, alertName } from './tls/codec/alerts.js';
export {
  CIPHER_SUITES,
  NAMED_GROUPS,
  suiteById,
  suiteByName,
  suiteName,
  groupById,
  groupByName,
  groupName,
  versionName,
} from './tls/codec/names.js';
export { SIGNATURE_SCHEMES, sigSchemeById, sigSchemeByName, sigSchemeName } from './tls/codec/sigschemes.js';
export { nodeProvider, type CryptoProvider, type ProviderName } from './tls/crypto/index.js';
export { getProvider } from './net/providers.js';
export { systemClock } from './net/clock.js';
export {
  type Session,
  createSession,
  isResumable,
  encodeSession,
  decodeSession,
  encodeSessionPem,
  decodeSessionPem,
  formatSslSessionBlock,
  SessionCache,
} from './tls/session/index.js';
export {
  verifyServerChain,
  describeCertificate,
  x509ErrorText,
  parseCrl,
  type CrlCheck,
  type VerifyInput,
  type VerifyOptions,
  type VerifyProfile,
  type VerifyResult,
  type VerifyWarning,
} from './tls/x509/index.js';
export { echConfigListFromText, echConfigListToBase64 } from './tls/ech/config.js';
export { SocketTransport } from './net/socket.js';
export { memoryPair, MemoryTransport, MemoryPipe } from './net/memory.js';
