/**
 * The CertificateRequest lines s_client prints after the CA names (apps/lib/s_cb.c
 * ssl_print_sigalgs): "Client Certificate Types" (TLS 1.0-1.2, ssl_print_client_cert_types),
 * "Requested Signature Algorithms" (the server's list) and "Shared Requested Signature Algorithms"
 * (those of ours it lists, in its order; do_print_sigalgs). Names as do_print_sigalgs writes them:
 * a few schemes by their own name, the others as "<signature type>+<hash>", the unknown as
 * "0x<sign>+0x<hash>".
 */
import type { ConnectionInfo } from '../tls/types.js';

/** apps/lib/s_cb.c cert_type_list. */
const CERT_TYPES: Record<number, string> = {
  1: 'RSA sign',
  2: 'DSA sign',
  3: 'RSA fixed DH',
  4: 'DSS fixed DH',
  64: 'ECDSA sign',
  65: 'RSA fixed ECDH',
  66: 'ECDSA fixed ECDH',
  22: 'GOST01 Sign',
  67: 'GOST12 Sign',
};

/** The schemes do_print_sigalgs names by their own name (OpenSSL 3.0 sigalg_lookup names). */
const OWN_NAMES: Record<number, string> = {
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
  0x081a: 'ecdsa_brainpoolP256r1_sha256',
  0x081b: 'ecdsa_brainpoolP384r1_sha384',
  0x081c: 'ecdsa_brainpoolP512r1_sha512',
  0x0904: 'mldsa44',
  0x0905: 'mldsa65',
  0x0906: 'mldsa87',
};

/** TLS 1.2 SignatureAlgorithm (RFC 5246 §7.4.1.4.1; 8: RSA-PSS with an rsaEncryption key, RFC 8446). */
const SIGN: Record<number, string> = { 1: 'RSA', 2: 'DSA', 3: 'ECDSA', 8: 'RSA-PSS' };
/** TLS 1.2 HashAlgorithm (RFC 5246 §7.4.1.4.1), as OBJ_nid2sn names the digests. */
const HASH: Record<number, string> = { 1: 'MD5', 2: 'SHA1', 3: 'SHA224', 4: 'SHA256', 5: 'SHA384', 6: 'SHA512' };

function hex2(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** One scheme as do_print_sigalgs prints it. */
export function opensslSigalgName(id: number): string {
  const own = OWN_NAMES[id];
  if (own) return own;
  // RSA-PSS (0x0804-0x0806) has its hash in the low byte, the others in the high byte.
  const pss = id >> 8 === 8;
  const sign = pss ? 8 : id & 0xff;
  const hash = pss ? id & 0xff : id >> 8;
  return `${SIGN[sign] ?? hex2(sign)}+${HASH[hash] ?? hex2(hash)}`;
}

/** The lines, when a CertificateRequest arrived (none before: s_client prints them only then). */
export function certificateRequestLines(info: ConnectionInfo): string[] {
  const cr = info.certificateRequest;
  if (!cr) return [];
  const out: string[] = [];
  if (cr.certificateTypes.length) {
    // ssl_print_client_cert_types: an unknown type is "UNKNOWN (n)," (its comma included).
    const names = cr.certificateTypes.map((t) => CERT_TYPES[t] ?? `UNKNOWN (${t}),`);
    out.push(`Client Certificate Types: ${names.join(', ')}`);
  }
  if (cr.signatureAlgorithms.length)
    out.push(`Requested Signature Algorithms: ${cr.signatureAlgorithms.map(opensslSigalgName).join(':')}`);
  const shared = cr.sharedSignatureAlgorithms ?? [];
  if (shared.length) out.push(`Shared Requested Signature Algorithms: ${shared.map(opensslSigalgName).join(':')}`);
  return out;
}
