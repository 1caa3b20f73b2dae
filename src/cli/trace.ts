/**
 * --trace: every handshake message, alert and CCS as annotated bytes, each field on its own line
 * with its name and decoded value (subtls's annotated mode is the model). Decoding here is for
 * display only and never throws: a malformed message shows what could be read, then the rest raw.
 */
import type { MessageEvent } from '../tls/types.js';
import { Reader, toHex } from '../tls/codec/bytes.js';
import { extensionName, ExtensionType } from '../tls/codec/extensions.js';
import { handshakeName, HandshakeType } from '../tls/codec/handshake.js';
import { alertName } from '../tls/codec/alerts.js';
import { groupName, suiteName, versionName, ProtocolVersion } from '../tls/codec/names.js';
import { sigSchemeName } from '../tls/codec/sigschemes.js';

const HEX_COLUMN = 30;
const MAX_INLINE = 16;

/** Collects annotated lines: hex of a field, then its meaning. */
class Annotator {
  readonly lines: string[] = [];
  constructor(private depth = 1) {}

  /** One field: its bytes (shortened past 16) and what they mean. */
  field(bytes: Uint8Array, meaning: string): void {
    const hex = bytes.length > MAX_INLINE ? `${spaced(bytes.subarray(0, MAX_INLINE))} …` : spaced(bytes);
    const pad = '  '.repeat(this.depth);
    this.lines.push(`${pad}${hex.padEnd(Math.max(HEX_COLUMN - pad.length, hex.length + 1))} ${meaning}`);
  }
  /** A nested block (an extension, a list). */
  nest(fn: () => void): void {
    this.depth++;
    try {
      fn();
    } finally {
      this.depth--;
    }
  }
}

function spaced(b: Uint8Array): string {
  return toHex(b).replace(/(..)(?=.)/g, '$1 ');
}

/** Reads a field and annotates it in one go. */
function take(a: Annotator, r: Reader, n: number, meaning: (b: Uint8Array) => string): Uint8Array {
  const b = r.bytes(n);
  a.field(b, meaning(b));
  return b;
}
const u16 = (b: Uint8Array): number => ((b[0] ?? 0) << 8) | (b[1] ?? 0);
const u24 = (b: Uint8Array): number => ((b[0] ?? 0) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0);

/** A length-prefixed vector: the length field, then its body annotated by `body`. */
function vector(a: Annotator, r: Reader, width: 1 | 2 | 3, what: string, body: (sub: Reader) => void): void {
  const lenBytes = take(a, r, width, (b) => `${what} length: ${width === 1 ? b[0] : width === 2 ? u16(b) : u24(b)}`);
  const len = width === 1 ? (lenBytes[0] ?? 0) : width === 2 ? u16(lenBytes) : u24(lenBytes);
  const sub = new Reader(r.bytes(len), what);
  a.nest(() => body(sub));
}

function extensions(a: Annotator, r: Reader, hello: 'client' | 'server'): void {
  if (r.remaining === 0) return;
  vector(a, r, 2, 'extensions', (list) => {
    while (list.remaining > 0) {
      const type = u16(take(a, list, 2, (b) => `extension: ${extensionName(u16(b))}`));
      vector(a, list, 2, 'extension data', (d) => extensionBody(a, d, type, hello));
    }
  });
}

function u16List(a: Annotator, d: Reader, what: string, name: (v: number) => string, width: 1 | 2 = 2): void {
  vector(a, d, width, what, (l) => {
    while (l.remaining >= 2) take(a, l, 2, (b) => name(u16(b)));
  });
}

function extensionBody(a: Annotator, d: Reader, type: number, hello: 'client' | 'server'): void {
  switch (type) {
    case ExtensionType.server_name:
      if (d.remaining)
        vector(a, d, 2, 'server name list', (l) => {
          take(a, l, 1, () => 'name type: host_name');
          vector(a, l, 2, 'host name', (h) => take(a, h, h.remaining, (b) => `"${new TextDecoder().decode(b)}"`));
        });
      break;
    case ExtensionType.supported_groups:
      u16List(a, d, 'groups', groupName);
      break;
    case ExtensionType.signature_algorithms:
    case ExtensionType.signature_algorithms_cert:
      u16List(a, d, 'signature schemes', sigSchemeName);
      break;
    case ExtensionType.supported_versions:
      if (hello === 'client') u16List(a, d, 'versions', versionName, 1);
      else take(a, d, 2, (b) => `selected version: ${versionName(u16(b))}`);
      break;
    case ExtensionType.key_share:
      if (hello === 'client') {
        vector(a, d, 2, 'client shares', (l) => {
          while (l.remaining > 0) {
            take(a, l, 2, (b) => `group: ${groupName(u16(b))}`);
            vector(a, l, 2, 'key_exchange', (k) => take(a, k, k.remaining, (b) => `public key (${b.length} bytes)`));
          }
        });
      } else if (d.remaining === 2) take(a, d, 2, (b) => `selected group: ${groupName(u16(b))}`);
      else {
        take(a, d, 2, (b) => `group: ${groupName(u16(b))}`);
        vector(a, d, 2, 'key_exchange', (k) => take(a, k, k.remaining, (b) => `public key (${b.length} bytes)`));
      }
      break;
    case ExtensionType.application_layer_protocol_negotiation:
      vector(a, d, 2, 'protocols', (l) => {
        while (l.remaining > 0)
          vector(a, l, 1, 'protocol', (p) => take(a, p, p.remaining, (b) => `"${new TextDecoder().decode(b)}"`));
      });
      break;
    default:
      if (d.remaining) take(a, d, d.remaining, (b) => `data (${b.length} bytes)`);
  }
}

function clientHello(a: Annotator, r: Reader): void {
  take(a, r, 2, (b) => `legacy_version: ${versionName(u16(b))}`);
  take(a, r, 32, () => 'random (32 bytes)');
  vector(
    a,
    r,
    1,
    'legacy_session_id',
    (s) => s.remaining && take(a, s, s.remaining, (b) => `session id (${b.length} bytes)`),
  );
  u16List(a, r, 'cipher_suites', suiteName);
  vector(a, r, 1, 'compression methods', (c) => c.remaining && take(a, c, c.remaining, () => 'null'));
  extensions(a, r, 'client');
}

function serverHello(a: Annotator, r: Reader): void {
  take(a, r, 2, (b) => `legacy_version: ${versionName(u16(b))}`);
  take(a, r, 32, () => 'random (32 bytes)');
  vector(
    a,
    r,
    1,
    'legacy_session_id_echo',
    (s) => s.remaining && take(a, s, s.remaining, (b) => `session id (${b.length} bytes)`),
  );
  take(a, r, 2, (b) => `cipher_suite: ${suiteName(u16(b))}`);
  take(a, r, 1, (b) => `compression: ${b[0] === 0 ? 'null' : b[0]}`);
  extensions(a, r, 'server');
}

function certificate(a: Annotator, r: Reader, tls13: boolean): void {
  if (tls13)
    vector(a, r, 1, 'certificate_request_context', (c) => c.remaining && take(a, c, c.remaining, () => 'context'));
  vector(a, r, 3, 'certificate_list', (l) => {
    let i = 0;
    while (l.remaining > 0) {
      vector(a, l, 3, `certificate ${i++}`, (c) =>
        take(a, c, c.remaining, (b) => `DER certificate (${b.length} bytes)`),
      );
      if (tls13) extensions(a, l, 'server');
    }
  });
}

/** Annotates one message body by type; falls back to raw bytes. */
function body(a: Annotator, type: number, r: Reader, tls13: boolean): void {
  switch (type) {
    case HandshakeType.client_hello:
      return clientHello(a, r);
    case HandshakeType.server_hello:
      return serverHello(a, r);
    case HandshakeType.encrypted_extensions:
      return extensions(a, r, 'server');
    case HandshakeType.certificate:
      return certificate(a, r, tls13);
    case HandshakeType.certificate_verify:
      take(a, r, 2, (b) => `signature scheme: ${sigSchemeName(u16(b))}`);
      return vector(a, r, 2, 'signature', (s) => take(a, s, s.remaining, (b) => `signature (${b.length} bytes)`));
    case HandshakeType.finished:
      return void take(a, r, r.remaining, (b) => `verify_data (${b.length} bytes)`);
    case HandshakeType.new_session_ticket:
      if (!tls13) {
        take(a, r, 4, (b) => `ticket_lifetime_hint: ${new DataView(b.buffer, b.byteOffset).getUint32(0)} s`);
        return vector(
          a,
          r,
          2,
          'ticket',
          (t) => t.remaining && take(a, t, t.remaining, (b) => `ticket (${b.length} bytes)`),
        );
      }
      take(a, r, 4, (b) => `ticket_lifetime: ${new DataView(b.buffer, b.byteOffset).getUint32(0)} s`);
      take(a, r, 4, () => 'ticket_age_add');
      vector(a, r, 1, 'ticket_nonce', (n) => n.remaining && take(a, n, n.remaining, () => 'nonce'));
      vector(a, r, 2, 'ticket', (t) => take(a, t, t.remaining, (b) => `ticket (${b.length} bytes)`));
      return extensions(a, r, 'server');
    case HandshakeType.key_update:
      return void take(a, r, 1, (b) => (b[0] === 1 ? 'update_requested' : 'update_not_requested'));
    default:
      if (r.remaining) take(a, r, r.remaining, (b) => `body (${b.length} bytes)`);
  }
}

/** The annotated lines for one traced message (header line first). */
export function formatTrace(e: MessageEvent, negotiated: number | null): string[] {
  const dir = e.direction === 'sent' ? '>>>' : '<<<';
  const a = new Annotator();
  const tls13 = (negotiated ?? 0) === ProtocolVersion.TLS1_3;
  if (e.contentType === 21) {
    a.field(e.bytes.subarray(0, 1), `level: ${e.bytes[0] === 2 ? 'fatal' : 'warning'}`);
    a.field(e.bytes.subarray(1, 2), `description: ${alertName(e.bytes[1] ?? 0)}`);
    return [`${dir} Alert (${e.bytes.length} bytes)`, ...a.lines];
  }
  if (e.contentType === 20) {
    a.field(e.bytes, 'change_cipher_spec');
    return [`${dir} ChangeCipherSpec (${e.bytes.length} bytes)`, ...a.lines];
  }
  const r = new Reader(e.bytes, 'trace');
  try {
    const type = take(a, r, 1, (b) => `handshake type: ${handshakeName(b[0] ?? 0)}`)[0] ?? 0;
    const len = u24(take(a, r, 3, (b) => `length: ${u24(b)}`));
    body(a, type, new Reader(r.bytes(Math.min(len, r.remaining)), 'trace'), tls13);
  } catch (err) {
    a.field(new Uint8Array(0), `(malformed: ${(err as Error).message})`);
    const left = r.remaining;
    if (left) a.field(r.rest(), `unparsed (${left} bytes)`);
  }
  return [`${dir} ${handshakeName(e.bytes[0] ?? -1)} (${e.bytes.length} bytes)`, ...a.lines];
}
