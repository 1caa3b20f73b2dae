/**
 * --keymatexport output: s_client's "Keying material exporter:" block (apps/s_client.c
 * print_stuff), which `openssl s_server -keymatexport` prints identically for the same
 * connection, and the --json "keyingMaterial" object.
 */
import type { Connection } from '../tls/connection.js';

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

/** SSL_export_keying_material(label, length) without a context, as s_client -keymatexport calls it. */
export function exportedKeyingMaterial(conn: Connection, want: { label: string; length: number }): KeyingMaterial {
  return { label: want.label, bytes: conn.exportKeyingMaterial(want.label, want.length) };
}
