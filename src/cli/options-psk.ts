/**
 * s_client's external PSK (-psk <hex>, -psk_identity <id>): --psk and --psk-identity. TLS 1.2
 * offers the PSK suites with it (RFC 4279, RFC 5489); TLS 1.3 offers it in pre_shared_key with
 * SHA-256, as s_client does (RFC 8446 §4.2.11). A key that is not hex is a UsageError (exit 2)
 * before anything is sent.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** s_client's default identity when -psk is given without -psk_identity (apps/s_client.c psk_identity). */
export const DEFAULT_PSK_IDENTITY = 'Client_identity';

/** What the PSK flags add to CliOptions. */
export interface PskCliOptions {
  /** --psk with its identity: the TLS 1.3 external PSK and the TLS 1.2 PSK suites; null without --psk. */
  psk: { identity: string; key: Uint8Array } | null;
}

/** Connection group additions: the PSK and its identity. */
export function addPskOptions(p: Command): void {
  p.option(
    '--psk <hex>',
    'external PSK in hex (as s_client -psk): TLS 1.3 pre_shared_key with SHA-256; TLS 1.2 PSK and ECDHE-PSK suites',
  );
  p.option('--psk-identity <id>', `identity sent with --psk (default ${DEFAULT_PSK_IDENTITY})`);
}

/** Validates --psk (hex, 1 to 512 bytes as OpenSSL's PSK_MAX_PSK_LEN) and --psk-identity. */
export function validatePskOptions(o: Record<string, unknown>): PskCliOptions {
  const hex = typeof o['psk'] === 'string' ? o['psk'] : null;
  const identity = typeof o['pskIdentity'] === 'string' ? o['pskIdentity'] : null;
  if (hex === null) {
    if (identity !== null) throw new UsageError('--psk-identity needs --psk <hex>');
    return { psk: null };
  }
  // s_client accepts an odd number of digits (OPENSSL_hexstr2buf would not); we ask for whole bytes.
  if (!/^([0-9A-Fa-f]{2}){1,512}$/.test(hex))
    throw new UsageError(`--psk expects the key as an even number of hex digits (1 to 512 bytes), got '${hex}'`);
  const key = Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
  const id = identity ?? DEFAULT_PSK_IDENTITY;
  if (Buffer.byteLength(id) > 0xffff) throw new UsageError('--psk-identity is too long');
  return { psk: { identity: id, key } };
}
