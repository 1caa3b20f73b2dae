/** The session model, OpenSSL's session file format (DER and PEM), its printout and the client cache. */
export * from './session.js';
export { encodeSession, decodeSession } from './asn1.js';
export { encodeSessionPem, decodeSessionPem, SESSION_PEM_LABEL } from './pem.js';
export { formatSslSessionBlock, bioDumpIndent, type SessionPrintOptions } from './print.js';
export * from './cache.js';
export { opensslCipherName } from './openssl-ciphers.js';
