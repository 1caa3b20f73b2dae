/**
 * --keymatexport output: s_client's "Keying material exporter:" block (apps/s_client.c
 * print_stuff), which `openssl s_server -keymatexport` prints identically for the same
 * connection, and the --json "keyingMaterial" object.
 */
import type { CryptoProvider } from '../tls/crypto/provider.js';
import type { ConnectionInfo } from '../tls/types.js';
import { suiteById, ProtocolVersion } from '../tls/codec/names.js';
import { exportKeyingMaterial12, exportKeyingMaterial13 } from '../tls/handshake/exporter.js';

/** What --keymatexport exported on one connection. */
export interface KeyingMaterial {
  label: string;
  bytes: Uint8Array;
}

/** The block, ending in a newline. */
export function formatKeyingMaterial(k: KeyingMaterial): string {
  return [
    'Keying material exporter:',
    `    Label: '${k.label}'`,
    `    Length: ${k.bytes.length} bytes`,
    `    Keying material: ${Buffer.from(k.bytes).toString('hex').toUpperCase()}`,
    '',
  ].join('\n');
}

/** The --json object: {label, length, hex} (hex in upper case, as the block prints it). */
export function keyingMaterialJson(k: KeyingMaterial): { label: string; length: number; hex: string } {
  return { label: k.label, length: k.bytes.length, hex: Buffer.from(k.bytes).toString('hex').toUpperCase() };
}

/**
 * Gathers what SSL_export_keying_material needs from a connection's public events, until the
 * core offers the call itself: the secrets its key log reports (EXPORTER_SECRET for TLS 1.3,
 * CLIENT_RANDOM's master secret for TLS 1.2; the NSS key log is the standard way secrets leave a
 * TLS stack) and, for TLS 1.2, the server random of the last ServerHello. Nothing is written
 * anywhere; the secrets live as long as the connection's report.
 */
export class KeymatSource {
  private exporterSecret: Uint8Array | null = null;
  private master: Uint8Array | null = null;
  private clientRandom: Uint8Array | null = null;
  private serverRandom: Uint8Array | null = null;

  /** One key-log line ("LABEL <client random hex> <secret hex>"). */
  keylog(line: string): void {
    const [label, cr, secret] = line.split(' ');
    if (cr === undefined || secret === undefined) return;
    if (label === 'EXPORTER_SECRET') this.exporterSecret = hexBytes(secret);
    if (label === 'CLIENT_RANDOM') {
      this.master = hexBytes(secret);
      this.clientRandom = hexBytes(cr);
    }
  }

  /** A handshake message seen by the connection: keeps the ServerHello's random (RFC 5246 §7.4.1.3). */
  message(direction: 'sent' | 'received', contentType: number, bytes: Uint8Array): void {
    // type (1) + length (3) + legacy_version (2), then the 32-byte random.
    if (direction === 'received' && contentType === 22 && bytes[0] === 2 && bytes.length >= 38)
      this.serverRandom = bytes.slice(6, 38);
  }

  /** The TLS 1.3 exporter_master_secret, or null. */
  get tls13(): Uint8Array | null {
    return this.exporterSecret;
  }

  /** The TLS 1.2 master secret and randoms, or null. */
  get tls12(): { master: Uint8Array; clientRandom: Uint8Array; serverRandom: Uint8Array } | null {
    if (!this.master || !this.clientRandom || !this.serverRandom) return null;
    return { master: this.master, clientRandom: this.clientRandom, serverRandom: this.serverRandom };
  }
}

function hexBytes(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/**
 * SSL_export_keying_material(label, length) without a context, as s_client -keymatexport calls
 * it, for a completed handshake; null when the secrets were not seen.
 */
export function exportedKeyingMaterial(
  p: CryptoProvider,
  info: ConnectionInfo,
  src: KeymatSource,
  want: { label: string; length: number },
): KeyingMaterial | null {
  const suite = info.cipherSuite === null ? undefined : suiteById(info.cipherSuite);
  if (!suite) return null;
  if (info.version === ProtocolVersion.TLS1_3) {
    const s = src.tls13;
    return s
      ? { label: want.label, bytes: exportKeyingMaterial13(p, suite.hash, s, want.label, null, want.length) }
      : null;
  }
  const t = src.tls12;
  if (!t) return null;
  const bytes = exportKeyingMaterial12(
    p,
    suite.hash,
    t.master,
    t.clientRandom,
    t.serverRandom,
    want.label,
    null,
    want.length,
  );
  return { label: want.label, bytes };
}
