/**
 * The PEM envelope of session files (spec/openssl-semantics.md §6.1): "SSL SESSION PARAMETERS"
 * blocks of 64-column base64 over the DER of SSL_SESSION_ASN1. The reader follows OpenSSL 3.0's
 * PEM_read_bio (get_name, get_header_and_data, EVP_DecodeUpdate/Final): junk before BEGIN, other
 * PEM blocks, CRLF, trailing blanks, long or 76-column lines and a missing final newline are fine.
 */
import { SessionFormatError, type Session } from './session.js';
import { decodeSession, encodeSession } from './asn1.js';

/** PEM_STRING_SSL_SESSION. */
export const SESSION_PEM_LABEL = 'SSL SESSION PARAMETERS';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

function fail(message: string): never {
  throw new SessionFormatError(message);
}

/** Standard base64 with padding (EVP_EncodeBlock). */
function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
    out += b === undefined ? '=' : B64.charAt((n >> 6) & 63);
    out += c === undefined ? '=' : B64.charAt(n & 63);
  }
  return out;
}

/** One PEM block per session, newest first as given, 64-column lines, as PEM_write_bio_SSL_SESSION. */
export function encodeSessionPem(sessions: Session[]): string {
  let out = '';
  for (const s of sessions) {
    const b64 = base64(encodeSession(s));
    out += `-----BEGIN ${SESSION_PEM_LABEL}-----\n`;
    for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n';
    out += `-----END ${SESSION_PEM_LABEL}-----\n`;
  }
  return out;
}

/**
 * EVP_DecodeUpdate + EVP_DecodeFinal: space, tab, CR and LF are skipped; '-' ends the data;
 * at most two '=' and only at the end; the base64 characters must come in groups of four.
 */
function decodeBase64(text: string, where: string): Uint8Array {
  const values: number[] = [];
  let pad = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if (ch === '-') break; // B64_EOF
    if (ch === '=') {
      if (++pad > 2) fail(`invalid base64 in ${where}: too much '=' padding`);
      continue;
    }
    const v = B64_VALUE.get(ch);
    if (v === undefined) {
      const shown = /^[\x21-\x7e]$/.test(ch)
        ? `'${ch}'`
        : `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      fail(`invalid base64 in ${where}: character ${shown} is not in the base64 alphabet`);
    }
    if (pad > 0) fail(`invalid base64 in ${where}: data after '=' padding`);
    values.push(v);
  }
  if ((values.length + pad) % 4 !== 0) fail(`invalid base64 in ${where}: length is not a multiple of 4 (truncated?)`);
  const out = new Uint8Array(Math.floor((values.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const v of values) {
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** sanitize_line with PEM_FLAG_EAY_COMPATIBLE: drop trailing whitespace and control characters. */
function sanitize(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) <= 0x20) end--;
  return line.slice(0, end);
}

interface PemBlock {
  label: string;
  /** The base64 body lines, sanitized. */
  body: string[];
  /** 1-based line number of the BEGIN line, for messages. */
  line: number;
}

/** get_header_and_data: the body lines up to the matching END line, with OpenSSL's blank-line rules. */
function readBody(lines: string[], start: number, label: string): { body: string[]; next: number; headers: boolean } {
  const body: string[] = [];
  const ours = label === SESSION_PEM_LABEL;
  let headers = false;
  let blankSeen = false;
  let shortSeen = false;
  for (let i = start; i < lines.length; i++) {
    const line = sanitize(lines[i] ?? '');
    if (line.startsWith('-----END ')) {
      if (line !== `-----END ${label}-----`) fail(`bad END line at line ${i + 1}: expected "-----END ${label}-----"`);
      return { body, next: i + 1, headers };
    }
    if (!ours && (headers || line.includes(':'))) {
      headers = true; // another kind of block with PEM headers (an encrypted key, say): skipped unread
      continue;
    }
    if (line === '') {
      // A blank line ends OpenSSL's header section; what came before it would be PEM headers.
      if (blankSeen || body.length > 0) fail(`unexpected blank line at line ${i + 1} inside the ${label} block`);
      blankSeen = true;
      continue;
    }
    if (line.includes(':')) fail(`PEM header lines (Proc-Type, DEK-Info) are not supported (line ${i + 1})`);
    if (blankSeen) {
      // After a blank line OpenSSL checks lines as for encrypted PEM: at most 64 columns, short only last.
      if (shortSeen || line.length > 64)
        fail(`bad line length at line ${i + 1} after a blank line in the ${label} block`);
      if (line.length < 64) shortSeen = true;
    }
    body.push(line);
  }
  fail(`truncated PEM: no "-----END ${label}-----" line`);
}

/** Splits text into PEM blocks the way PEM_read_bio finds them, skipping any junk between (and blocks with headers). */
function readBlocks(text: string): PemBlock[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the text's final newline ends a line, it adds none
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length;) {
    const line = sanitize(lines[i] ?? '');
    if (line.startsWith('-----BEGIN ') && line.endsWith('-----') && line.length >= 16) {
      const label = line.slice(11, -5);
      const { body, next, headers } = readBody(lines, i + 1, label);
      if (!headers) blocks.push({ label, body, line: i + 1 });
      i = next;
    } else i++;
  }
  return blocks;
}

/**
 * Reads every "SSL SESSION PARAMETERS" block of a PEM text (other PEM blocks are checked and
 * skipped, as PEM_bytes_read_bio does). Throws SessionFormatError saying what is wrong.
 */
export function decodeSessionPem(text: string, nowSeconds: number): Session[] {
  const sessions: Session[] = [];
  for (const block of readBlocks(text)) {
    const where = `the ${block.label} block at line ${block.line}`;
    const der = decodeBase64(block.body.join('\n'), where);
    if (block.label !== SESSION_PEM_LABEL) continue;
    if (der.length === 0) fail(`${where} is empty`);
    try {
      sessions.push(decodeSession(der, nowSeconds));
    } catch (e) {
      if (e instanceof SessionFormatError) fail(`${e.message} (in ${where})`);
      throw e;
    }
  }
  if (sessions.length === 0) fail(`no "-----BEGIN ${SESSION_PEM_LABEL}-----" block found (no start line)`);
  return sessions;
}
