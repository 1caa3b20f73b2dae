/**
 * OCSP responses (RFC 6960 §4.2): a decoder for the DER a server staples (status_request,
 * RFC 6066 §8 / RFC 8446 §4.4.2.1) and a verifier that goes beyond s_client (openssl#7389): the
 * response must be signed by the certificate's issuer or by a responder the issuer delegated with
 * id-kp-OCSPSigning (§4.2.2.2), name this certificate in its CertID, and be fresh (thisUpdate not
 * in the future, nextUpdate not past, with OpenSSL's 5-minute leeway of OCSP_check_validity).
 * Malformed input raises DerError; everything else is a verdict, never an exception.
 */
import { createHash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { ctxTag, derChildren, DerError, DerReader, derOid, Tag, type Tlv } from '../codec/der.js';
import { parseCertificate, parseTime, type ParsedCertificate } from './cert.js';
import { DIGESTS, SIG_ALGS } from './oids.js';

/** id-kp-OCSPSigning (RFC 6960 §4.2.2.2). */
const EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** id-pkix-ocsp-basic (RFC 6960 §4.2.1). */
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** OCSPResponseStatus names as OpenSSL prints them (OCSP_response_status_str). */
const RESPONSE_STATUS = [
  'successful',
  'malformedrequest',
  'internalerror',
  'trylater',
  '',
  'sigrequired',
  'unauthorized',
];
/** CRLReason names (RFC 5280 §5.3.1) as OpenSSL prints them (OCSP_crl_reason_str). */
const CRL_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  '',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];
/** OCSP_check_validity's leeway (seconds) for clocks that disagree, as s_client passes it. */
const LEEWAY_MS = 300_000;

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

/** One SingleResponse (§4.2.1). */
export interface OcspSingleResponse {
  hashAlgorithm: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** The serial number's INTEGER content octets. */
  serial: Uint8Array;
  certStatus: OcspCertStatus;
  revocationTime: Date | null;
  revocationReason: string | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

/** A decoded OCSPResponse. */
export interface OcspResponse {
  der: Uint8Array;
  /** OCSPResponseStatus (0 successful). */
  status: number;
  statusText: string;
  /** The BasicOCSPResponse; null unless status is successful. */
  basic: {
    tbs: Uint8Array;
    sigAlgOid: string;
    signature: Uint8Array;
    /** Certificates the responder included (DER). */
    certs: Uint8Array[];
    responderId: { byName: Uint8Array } | { byKey: Uint8Array };
    producedAt: Date;
    responses: OcspSingleResponse[];
  } | null;
}

function time(t: Tlv): Date {
  const d = t.tag === Tag.GeneralizedTime ? parseTime(t) : null;
  if (!d) throw new DerError('malformed GeneralizedTime in OCSP response');
  return d;
}

function singleResponse(t: Tlv): OcspSingleResponse {
  const r = derChildren(t);
  const id = derChildren(r.next(Tag.SEQUENCE));
  const alg = derChildren(id.next(Tag.SEQUENCE));
  const hashAlgorithm = derOid(alg.next(Tag.OID));
  const issuerNameHash = id.next(Tag.OCTET_STRING).value;
  const issuerKeyHash = id.next(Tag.OCTET_STRING).value;
  const serial = id.next(Tag.INTEGER).value;
  id.end('CertID');
  const st = r.next();
  let certStatus: OcspCertStatus;
  let revocationTime: Date | null = null;
  let revocationReason: string | null = null;
  if (st.tag === ctxTag(0, false)) certStatus = 'good';
  else if (st.tag === ctxTag(2, false)) certStatus = 'unknown';
  else if (st.tag === ctxTag(1, true)) {
    certStatus = 'revoked';
    const ri = derChildren(st);
    revocationTime = time(ri.next());
    const reason = ri.optional(ctxTag(0, true));
    if (reason) {
      const code = derChildren(reason).next(0x0a).value[0] ?? 0;
      revocationReason = CRL_REASONS[code] || `reason ${code}`;
    }
  } else throw new DerError(`unknown CertStatus tag 0x${st.tag.toString(16)}`);
  const thisUpdate = time(r.next());
  const next = r.optional(ctxTag(0, true));
  const nextUpdate = next ? time(derChildren(next).next()) : null;
  r.optional(ctxTag(1, true)); // singleExtensions
  r.end('SingleResponse');
  return {
    hashAlgorithm,
    issuerNameHash,
    issuerKeyHash,
    serial,
    certStatus,
    revocationTime,
    revocationReason,
    thisUpdate,
    nextUpdate,
  };
}

/** Decodes an OCSPResponse (§4.2.1); throws DerError on malformed DER. */
export function decodeOcspResponse(der: Uint8Array): OcspResponse {
  const top = new DerReader(der);
  const resp = derChildren(top.next(Tag.SEQUENCE));
  top.end('OCSPResponse');
  const status = resp.next(0x0a).value[0] ?? 0;
  const statusText = RESPONSE_STATUS[status] || `status ${status}`;
  const bytes = resp.optional(ctxTag(0, true));
  resp.end('OCSPResponse');
  if (!bytes || status !== 0) return { der, status, statusText, basic: null };
  const rb = derChildren(derChildren(bytes).next(Tag.SEQUENCE));
  const type = derOid(rb.next(Tag.OID));
  if (type !== OID_OCSP_BASIC) throw new DerError(`unsupported OCSP response type ${type}`);
  const basicDer = rb.next(Tag.OCTET_STRING).value;
  const b = derChildren(new DerReader(basicDer).next(Tag.SEQUENCE));
  const tbsTlv = b.next(Tag.SEQUENCE);
  const sigAlgOid = derOid(derChildren(b.next(Tag.SEQUENCE)).next(Tag.OID));
  const sigBits = b.next(Tag.BIT_STRING).value;
  const certsTlv = b.optional(ctxTag(0, true));
  const certs: Uint8Array[] = [];
  if (certsTlv) {
    const seq = derChildren(derChildren(certsTlv).next(Tag.SEQUENCE));
    while (!seq.done) certs.push(seq.next(Tag.SEQUENCE).raw);
  }
  const tbs = derChildren(tbsTlv);
  tbs.optional(ctxTag(0, true)); // version, v1 only
  const rid = tbs.next();
  let responderId: { byName: Uint8Array } | { byKey: Uint8Array };
  if (rid.tag === ctxTag(1, true)) responderId = { byName: derChildren(rid).next(Tag.SEQUENCE).raw };
  else if (rid.tag === ctxTag(2, true)) responderId = { byKey: derChildren(rid).next(Tag.OCTET_STRING).value };
  else throw new DerError('malformed ResponderID');
  const producedAt = time(tbs.next());
  const list = derChildren(tbs.next(Tag.SEQUENCE));
  const responses: OcspSingleResponse[] = [];
  while (!list.done) responses.push(singleResponse(list.next(Tag.SEQUENCE)));
  return {
    der,
    status,
    statusText,
    basic: {
      tbs: tbsTlv.raw,
      sigAlgOid,
      signature: sigBits.subarray(1),
      certs,
      responderId,
      producedAt,
      responses,
    },
  };
}

/** The raw subject Name and the subjectPublicKey bits of a certificate (RFC 5280 §4.1). */
function subjectAndKey(der: Uint8Array): { subject: Uint8Array; key: Uint8Array } {
  const tbs = derChildren(derChildren(new DerReader(der).next(Tag.SEQUENCE)).next(Tag.SEQUENCE));
  tbs.optional(ctxTag(0, true));
  tbs.next(Tag.INTEGER);
  tbs.next(Tag.SEQUENCE);
  tbs.next(Tag.SEQUENCE); // issuer
  tbs.next(Tag.SEQUENCE); // validity
  const subject = tbs.next(Tag.SEQUENCE).raw;
  const spki = derChildren(tbs.next(Tag.SEQUENCE));
  spki.next(Tag.SEQUENCE);
  return { subject, key: spki.next(Tag.BIT_STRING).value.subarray(1) };
}

/** The serial number's INTEGER content octets. */
function serialOf(der: Uint8Array): Uint8Array {
  const tbs = derChildren(derChildren(new DerReader(der).next(Tag.SEQUENCE)).next(Tag.SEQUENCE));
  tbs.optional(ctxTag(0, true));
  return tbs.next(Tag.INTEGER).value;
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const digest = (alg: string, data: Uint8Array): Uint8Array => new Uint8Array(createHash(alg).update(data).digest());

/** What the verifier concluded. `status` is the matching response's, null when none matched. */
export interface OcspVerdict {
  status: OcspCertStatus | null;
  verified: boolean;
  /** Why it is not verified ('' when it is). */
  reason: string;
  single: OcspSingleResponse | null;
}

/** Does the SingleResponse name `leaf` as issued by `issuer` (CertID, §4.1.1)? */
function matches(s: OcspSingleResponse, leafSerial: Uint8Array, issuer: { subject: Uint8Array; key: Uint8Array }) {
  const hash = DIGESTS[s.hashAlgorithm]?.name;
  if (!hash) return false;
  return (
    equal(s.serial, leafSerial) &&
    equal(s.issuerNameHash, digest(hash, issuer.subject)) &&
    equal(s.issuerKeyHash, digest(hash, issuer.key))
  );
}

/** Checks the response signature with `key` (the algorithm's digest from oids.ts). */
function signatureValid(basic: NonNullable<OcspResponse['basic']>, key: KeyObject): boolean {
  const alg = SIG_ALGS[basic.sigAlgOid];
  if (!alg) return false;
  try {
    if (basic.sigAlgOid === '1.2.840.113549.1.1.10') return false; // RSASSA-PSS parameters: not supported here
    return verifySignature(alg.digest, basic.tbs, key, basic.signature);
  } catch {
    return false;
  }
}

/** The responder named by ResponderID (§4.2.2.3) among `candidates`. */
function byResponderId(
  basic: NonNullable<OcspResponse['basic']>,
  candidates: ParsedCertificate[],
): ParsedCertificate | undefined {
  const id = basic.responderId;
  return candidates.find((c) => {
    const sk = subjectAndKey(c.der);
    return 'byName' in id ? equal(id.byName, sk.subject) : equal(id.byKey, digest('sha1', sk.key));
  });
}

/**
 * Verifies `resp` for `leaf` issued by `issuer` at `now`: a successful response, a SingleResponse
 * for this CertID, signed by the issuer or a delegated OCSP responder (§4.2.2.2) that the issuer
 * signed and that is valid now, and fresh times.
 */
export function verifyOcspResponse(
  resp: OcspResponse,
  leafDer: Uint8Array,
  issuerDer: Uint8Array | null,
  now: Date,
): OcspVerdict {
  const basic = resp.basic;
  if (!basic) return { status: null, verified: false, reason: `response status ${resp.statusText}`, single: null };
  if (!issuerDer) {
    const s = basic.responses[0] ?? null;
    return { status: null, verified: false, reason: 'the issuer certificate is not known', single: s };
  }
  const issuerSk = subjectAndKey(issuerDer);
  const single = basic.responses.find((s) => matches(s, serialOf(leafDer), issuerSk)) ?? null;
  if (!single) return { status: null, verified: false, reason: 'no response for this certificate', single: null };
  const fail = (reason: string): OcspVerdict => ({ status: single.certStatus, verified: false, reason, single });
  const issuer = parseCertificate(issuerDer);
  const included = basic.certs.map((d) => parseCertificate(d));
  const signer = byResponderId(basic, [issuer, ...included]);
  if (!signer) return fail('the responder is neither the issuer nor a certificate it included');
  if (signer !== issuer) {
    // A delegated responder: issued (signed) by the CA itself, with id-kp-OCSPSigning (§4.2.2.2).
    let signedByIssuer: boolean;
    try {
      signedByIssuer = signer.x509.verify(issuer.x509.publicKey);
    } catch {
      signedByIssuer = false;
    }
    if (!signedByIssuer) return fail('the responder certificate is not signed by the issuer');
    if (!signer.extKeyUsage?.includes(EKU_OCSP_SIGNING))
      return fail('the responder certificate lacks id-kp-OCSPSigning');
    const t = now.getTime();
    if ((signer.notBefore && t < signer.notBefore.getTime()) || (signer.notAfter && t > signer.notAfter.getTime()))
      return fail('the responder certificate is not valid now');
  }
  if (!signatureValid(basic, signer.x509.publicKey)) return fail('the response signature does not verify');
  // OCSP_check_validity: thisUpdate not in the future, nextUpdate not in the past (5 min leeway).
  if (single.thisUpdate.getTime() > now.getTime() + LEEWAY_MS) return fail('thisUpdate is in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - LEEWAY_MS)
    return fail('the response is stale (nextUpdate has passed)');
  if (single.nextUpdate && single.nextUpdate.getTime() < single.thisUpdate.getTime())
    return fail('nextUpdate is before thisUpdate');
  return { status: single.certStatus, verified: true, reason: '', single };
}
