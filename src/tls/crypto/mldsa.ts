/**
 * ML-DSA (FIPS 204) signature verification with @noble/post-quantum, for TLS CertificateVerify
 * (draft-ietf-tls-mldsa: mldsa44/65/87 = 0x0904-0x0906, pure ML-DSA with an empty context) and
 * for X.509 (RFC 9881: id-ml-dsa-44/65/87 = 2.16.840.1.101.3.4.3.17-19, no parameters, the public
 * key the raw BIT STRING contents). Node 20's OpenSSL 3.0 cannot parse these keys, so the SPKI is
 * taken apart here. Both providers call this module.
 */
import type { SignatureScheme } from '../codec/sigschemes.js';

import { libs } from '../libs.js';
import { derTlvAt } from '../codec/der.js';

type Dsa = ReturnType<typeof libs.mlDsa>['ml_dsa65'];

export type MlDsaName = 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87';

interface MlDsaParams {
  name: MlDsaName;
  oid: string;
  /** DER of the OID's contents (after tag and length). */
  oidBytes: readonly number[];
  publicKeyLength: number;
  signatureLength: number;
  /** NIST security category strength, as OpenSSL 3.5 reports EVP_PKEY_get_security_bits. */
  securityBits: number;
  /** The noble implementation. */
  dsa: () => Dsa;
}

/** FIPS 204 Table 2 sizes. */
export const MLDSA: readonly MlDsaParams[] = [
  {
    name: 'ML-DSA-44',
    oid: '2.16.840.1.101.3.4.3.17',
    oidBytes: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11],
    publicKeyLength: 1312,
    signatureLength: 2420,
    securityBits: 128,
    dsa: () => libs.mlDsa().ml_dsa44,
  },
  {
    name: 'ML-DSA-65',
    oid: '2.16.840.1.101.3.4.3.18',
    oidBytes: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12],
    publicKeyLength: 1952,
    signatureLength: 3309,
    securityBits: 192,
    dsa: () => libs.mlDsa().ml_dsa65,
  },
  {
    name: 'ML-DSA-87',
    oid: '2.16.840.1.101.3.4.3.19',
    oidBytes: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13],
    publicKeyLength: 2592,
    signatureLength: 4627,
    securityBits: 256,
    dsa: () => libs.mlDsa().ml_dsa87,
  },
];

/** The FIPS 204 parameter set of an ML-DSA signature scheme. */
export function mlDsaParameterSet(scheme: SignatureScheme): MlDsaName | null {
  switch (scheme.name) {
    case 'mldsa44':
      return 'ML-DSA-44';
    case 'mldsa65':
      return 'ML-DSA-65';
    case 'mldsa87':
      return 'ML-DSA-87';
    default:
      return null;
  }
}

export function mlDsaByOid(oid: string): MlDsaParams | undefined {
  return MLDSA.find((m) => m.oid === oid);
}
export function mlDsaByName(name: string): MlDsaParams | undefined {
  return MLDSA.find((m) => m.name === name);
}

/**
 * The parameter set and raw public key of an ML-DSA SubjectPublicKeyInfo (RFC 9881 §4: the
 * AlgorithmIdentifier has no parameters), or null when the SPKI is anything else or malformed.
 */
export function mlDsaPublicKey(spki: Uint8Array): { params: MlDsaParams; key: Uint8Array } | null {
  const outer = derTlvAt(spki, 0);
  if (!outer || outer[0] !== 0x30 || outer[2] !== spki.length) return null;
  const alg = derTlvAt(spki, outer[1]);
  if (!alg || alg[0] !== 0x30) return null;
  const oid = derTlvAt(spki, alg[1]);
  if (!oid || oid[0] !== 0x06 || oid[2] !== alg[2]) return null;
  const oidBody = spki.subarray(oid[1], oid[2]);
  const params = MLDSA.find(
    (m) => m.oidBytes.length === oidBody.length && m.oidBytes.every((x, i) => x === oidBody[i]),
  );
  if (!params) return null;
  const bits = derTlvAt(spki, alg[2]);
  if (!bits || bits[0] !== 0x03 || bits[2] !== spki.length || spki[bits[1]] !== 0) return null;
  const key = spki.subarray(bits[1] + 1, bits[2]);
  return key.length === params.publicKeyLength ? { params, key } : null;
}

/**
 * Verifies a pure ML-DSA signature (empty context) over `data` by the key in `spki`, which must
 * be of the parameter set `name`. False for any mismatch or malformed input; never throws.
 */
export function mlDsaVerify(name: MlDsaName, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const pk = mlDsaPublicKey(spki);
  if (!pk || pk.params.name !== name || signature.length !== pk.params.signatureLength) return false;
  try {
    return pk.params.dsa().verify(signature, data, pk.key);
  } catch {
    return false;
  }
}
