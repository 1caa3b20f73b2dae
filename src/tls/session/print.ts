/**
 * The "SSL-Session:" block exactly as OpenSSL 3.0's SSL_SESSION_print (ssl/ssl_txt.c) writes it,
 * which is what `openssl sess_id -text` and s_client print (spec/openssl-semantics.md §6.2, §7).
 */
import { ProtocolVersion, suiteById, versionName } from '../codec/names.js';
import { opensslCipherName } from './openssl-ciphers.js';
import { SESSION_FLAG_EXTMS, type Session } from './session.js';

/** What the block needs from modules outside the session model. */
export interface SessionPrintOptions {
  /** X509_verify_cert_error_string: 0 → "ok", 18 → "self-signed certificate", ... */
  verifyText: (code: number) => string;
}

/** ssl_protocol_to_string. */
function protocolName(version: number): string {
  if (version >= ProtocolVersion.SSL3_0 && version <= ProtocolVersion.TLS1_3) return versionName(version);
  switch (version) {
    case 0x0100:
      return 'DTLSv0.9';
    case 0xfeff:
      return 'DTLSv1';
    case 0xfefd:
      return 'DTLSv1.2';
    default:
      return 'unknown';
  }
}

/** The cipher's OpenSSL name; an unknown id prints as "%04lX" like a session without a cipher. */
function cipherName(id: number): string {
  return suiteById(id)?.openssl ?? opensslCipherName(id) ?? (id & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

function hexUpper(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).toUpperCase().padStart(2, '0');
  return s;
}

/**
 * BIO_dump_indent: rows of "%04x - " offset, 16 hex bytes with '-' after the 8th, two spaces,
 * then the printable ASCII (0x20..0x7e, others '.'); missing bytes of the last row are blanks.
 */
export function bioDumpIndent(data: Uint8Array, indent: number): string {
  const ind = Math.min(Math.max(indent, 0), 64);
  const width = 16 - Math.floor((ind - (ind > 6 ? 6 : ind) + 3) / 4); // DUMP_WIDTH_LESS_INDENT
  let out = '';
  for (let row = 0; row * width < data.length; row++) {
    let line = ' '.repeat(ind) + (row * width).toString(16).padStart(4, '0') + ' - ';
    for (let j = 0; j < width; j++) {
      const k = row * width + j;
      line += k >= data.length ? '   ' : (data[k] ?? 0).toString(16).padStart(2, '0') + (j === 7 ? '-' : ' ');
    }
    line += '  ';
    for (let j = 0; j < width && row * width + j < data.length; j++) {
      const ch = data[row * width + j] ?? 0;
      line += ch >= 0x20 && ch <= 0x7e ? String.fromCharCode(ch) : '.';
    }
    out += line + '\n';
  }
  return out;
}

/** The SSL-Session block, byte for byte as SSL_SESSION_print in OpenSSL 3.0 (ends with "\n"). */
export function formatSslSessionBlock(s: Session, opts: SessionPrintOptions): string {
  const tls13 = s.version === ProtocolVersion.TLS1_3;
  let out = 'SSL-Session:\n';
  out += `    Protocol  : ${protocolName(s.version)}\n`;
  out += `    Cipher    : ${cipherName(s.cipherSuite)}\n`;
  out += `    Session-ID: ${hexUpper(s.sessionId)}`;
  out += `\n    Session-ID-ctx: ${hexUpper(s.sessionIdContext)}`;
  out += `${tls13 ? '\n    Resumption PSK: ' : '\n    Master-Key: '}${hexUpper(s.masterKey)}`;
  out += `\n    PSK identity: ${s.pskIdentity ?? 'None'}`;
  out += `\n    PSK identity hint: ${s.pskIdentityHint ?? 'None'}`;
  out += `\n    SRP username: ${s.srpUsername ?? 'None'}`;
  if (s.tickLifetimeHint) out += `\n    TLS session ticket lifetime hint: ${s.tickLifetimeHint} (seconds)`;
  if (s.ticket !== undefined) {
    out += '\n    TLS session ticket:\n';
    // BIO_dump_indent of zero bytes returns 0, which SSL_SESSION_print treats as a failure:
    // OpenSSL's output stops right here (verified with `openssl sess_id -text`).
    if (s.ticket.length === 0) return out;
    out += bioDumpIndent(s.ticket, 4);
  }
  if (s.compressionMethod) out += `\n    Compression: ${s.compressionMethod}`;
  if (s.time !== 0) out += `\n    Start Time: ${s.time}`;
  if (s.timeout !== 0) out += `\n    Timeout   : ${s.timeout} (sec)`;
  out += '\n';
  out += `    Verify return code: ${s.verifyResult} (${opts.verifyText(s.verifyResult)})\n`;
  out += `    Extended master secret: ${s.flags & SESSION_FLAG_EXTMS ? 'yes' : 'no'}\n`;
  if (tls13) out += `    Max Early Data: ${s.maxEarlyData >>> 0}\n`;
  return out;
}
