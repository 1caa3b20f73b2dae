/**
 * Keying-material exporters (SSL_export_keying_material): RFC 5705 §4 for TLS 1.2 (the PRF over
 * the master secret and both randoms) and RFC 8446 §7.5 for TLS 1.3 (HKDF from the
 * exporter_master_secret). Without a context (s_client's -keymatexport passes none) TLS 1.2 omits
 * the context from the seed, and TLS 1.3 hashes an empty one, as OpenSSL does.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { HashName } from '../codec/names.js';
import type { PrfHash } from './prf.js';
import { illegalParameter } from '../errors.js';
import { deriveSecret, hkdfExpandLabel } from './keyschedule.js';
import { prf } from './prf.js';

/**
 * What a completed handshake leaves for SSL_export_keying_material: TLS 1.3's exporter_master_secret
 * (RFC 8446 §7.5), or TLS 1.2's master secret and both randoms (RFC 5705 §4). A TLS 1.2 master
 * secret is the extended one when EMS was negotiated (RFC 7627 §4); without EMS, RFC 7627 §5.4
 * says the material must not serve for authentication, but OpenSSL and BoringSSL export it anyway,
 * and so do we (ConnectionInfo.extendedMasterSecret tells the caller which it got).
 */
export type ExporterSecret =
  | { version: 'tls13'; hash: HashName; exporterMaster: Uint8Array }
  | { version: 'tls12'; hash: PrfHash; master: Uint8Array; clientRandom: Uint8Array; serverRandom: Uint8Array };

/** SSL_export_keying_material(label, length, context) for the secret of a completed handshake. */
export function exportKeyingMaterial(
  p: CryptoProvider,
  s: ExporterSecret,
  label: string,
  length: number,
  context: Uint8Array | null,
): Uint8Array {
  if (s.version === 'tls13') return exportKeyingMaterial13(p, s.hash, s.exporterMaster, label, context, length);
  return exportKeyingMaterial12(p, s.hash, s.master, s.clientRandom, s.serverRandom, label, context, length);
}

/** Labels RFC 5705 §4 reserves for TLS itself (OpenSSL: SSL_R_TLS_ILLEGAL_EXPORTER_LABEL). */
export const RESERVED_EXPORTER_LABELS = [
  'client finished',
  'server finished',
  'master secret',
  'extended master secret',
  'key expansion',
] as const;

/** TLS-Exporter(label, context_value, key_length) of RFC 8446 §7.5. */
export function exportKeyingMaterial13(
  p: CryptoProvider,
  hash: HashName,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array | null,
  length: number,
): Uint8Array {
  const secret = deriveSecret(p, hash, exporterMasterSecret, label, p.digest(hash, new Uint8Array(0)));
  return hkdfExpandLabel(p, hash, secret, 'exporter', p.digest(hash, context ?? new Uint8Array(0)), length);
}

/** PRF(master_secret, label, client_random + server_random [+ context length + context]) of RFC 5705 §4. */
export function exportKeyingMaterial12(
  p: CryptoProvider,
  hash: PrfHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  context: Uint8Array | null,
  length: number,
): Uint8Array {
  if ((RESERVED_EXPORTER_LABELS as readonly string[]).some((l) => label.startsWith(l)))
    throw illegalParameter(`exporter label '${label}' is reserved (RFC 5705 §4)`);
  const parts = [clientRandom, serverRandom];
  if (context !== null && context.length > 0xffff) throw illegalParameter('exporter context longer than 65535 bytes');
  if (context !== null) parts.push(Uint8Array.of(context.length >> 8, context.length & 0xff), context);
  const seed = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    seed.set(x, at);
    at += x.length;
  }
  return prf(p, hash, masterSecret, label, seed, length);
}
