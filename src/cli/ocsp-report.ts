/**
 * --status output: s_client's "OCSP response:" block (apps/s_client.c ocsp_resp_cb, which prints
 * OCSP_RESPONSE_print), with tls-probe's verification verdict added, and the --json "ocsp" object.
 * An unverified response never reads "Cert Status: good" (openssl#7389).
 */
import { X509Certificate } from 'node:crypto';
import { decodeOcspResponse, verifyOcspResponse, type OcspResponse, type OcspVerdict } from '../tls/x509/ocsp.js';
import { formatName, formatOpensslTime, parseNameDer } from '../tls/x509/index.js';
import { DIGESTS } from '../tls/x509/oids.js';

/** What --status learned on one connection: null when the server stapled nothing. */
export type OcspResult = { response: OcspResponse; verdict: OcspVerdict } | { malformed: string } | null;

/**
 * Decodes and verifies a stapled response for the chain's leaf. The issuer is the chain
 * certificate (or trust anchor) that issued the leaf, as X509Certificate.checkIssued decides.
 */
export function evaluateOcsp(
  der: Uint8Array | undefined,
  chain: readonly Uint8Array[],
  anchors: readonly Uint8Array[],
  now: Date,
): OcspResult {
  if (der === undefined) return null;
  const leafDer = chain[0];
  if (!leafDer) return { malformed: 'no server certificate to check it against' };
  let response: OcspResponse;
  try {
    response = decodeOcspResponse(der);
  } catch (e) {
    return { malformed: e instanceof Error ? e.message : String(e) };
  }
  const leaf = new X509Certificate(leafDer);
  const issuer = [...chain.slice(1), ...anchors].find((c) => {
    try {
      return leaf.checkIssued(new X509Certificate(c));
    } catch {
      return false;
    }
  });
  return { response, verdict: verifyOcspResponse(response, leafDer, issuer ?? null, now) };
}

const RULE = '======================================';
const hexUpper = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

function responderLine(r: NonNullable<OcspResponse['basic']>): string {
  const id = r.responderId;
  if ('byKey' in id) return `    Responder Id: ${hexUpper(id.byKey)}`;
  try {
    return `    Responder Id: ${formatName(parseNameDer(id.byName))}`;
  } catch {
    return `    Responder Id: ${hexUpper(id.byName)}`;
  }
}

/** The block, ending in a newline; "OCSP response: no response sent" when nothing was stapled. */
export function formatOcspBlock(result: OcspResult): string {
  if (result === null) return 'OCSP response: no response sent\n';
  if ('malformed' in result) return `OCSP response: malformed (${result.malformed})\n`;
  const { response: r, verdict: v } = result;
  const out = ['OCSP response: ', RULE, 'OCSP Response Data:'];
  out.push(`    OCSP Response Status: ${r.statusText} (0x${r.status.toString(16)})`);
  const b = r.basic;
  if (b) {
    out.push('    Response Type: Basic OCSP Response', responderLine(b));
    out.push(`    Produced At: ${formatOpensslTime(b.producedAt)}`, '    Responses:');
    for (const s of b.responses) {
      const mine = s === v.single;
      out.push(
        '    Certificate ID:',
        `      Hash Algorithm: ${DIGESTS[s.hashAlgorithm]?.name ?? s.hashAlgorithm}`,
        `      Issuer Name Hash: ${hexUpper(s.issuerNameHash)}`,
        `      Issuer Key Hash: ${hexUpper(s.issuerKeyHash)}`,
        `      Serial Number: ${hexUpper(s.serial)}`,
      );
      out.push(
        mine && v.verified
          ? `    Cert Status: ${s.certStatus}`
          : `    Cert Status: unverified (the response says ${s.certStatus})`,
      );
      if (s.revocationTime) out.push(`    Revocation Time: ${formatOpensslTime(s.revocationTime)}`);
      if (s.revocationReason) out.push(`    Revocation Reason: ${s.revocationReason}`);
      out.push(`    This Update: ${formatOpensslTime(s.thisUpdate)}`);
      if (s.nextUpdate) out.push(`    Next Update: ${formatOpensslTime(s.nextUpdate)}`);
    }
  }
  out.push(v.verified ? 'OCSP response verification: OK' : `OCSP response verification: failed (${v.reason})`, RULE);
  return `${out.join('\n')}\n`;
}

/** The --json "ocsp" object. `status` is the verified status, else "unverified" or "no response". */
export interface OcspJson {
  status: 'good' | 'revoked' | 'unknown' | 'unverified' | 'no response';
  verified: boolean;
  /** Why it is not verified. */
  reason?: string;
  /** What the response claims about this certificate (also when unverified). */
  claimed?: string;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revocationTime?: string;
}

/** The --json object for a connection's OCSP result. */
export function ocspJson(result: OcspResult): OcspJson {
  if (result === null) return { status: 'no response', verified: false, thisUpdate: null, nextUpdate: null };
  if ('malformed' in result)
    return { status: 'unverified', verified: false, reason: result.malformed, thisUpdate: null, nextUpdate: null };
  const { verdict: v } = result;
  const s = v.single;
  const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString().replace('.000Z', 'Z') : null);
  return {
    status: v.verified && v.status ? v.status : 'unverified',
    verified: v.verified,
    ...(v.verified ? {} : { reason: v.reason }),
    ...(s ? { claimed: s.certStatus } : {}),
    thisUpdate: iso(s?.thisUpdate),
    nextUpdate: iso(s?.nextUpdate),
    ...(s?.revocationTime ? { revocationTime: iso(s.revocationTime) ?? '' } : {}),
  };
}

/** True when a verified response says the certificate is revoked (exit 3, X509_V_ERR 23). */
export function ocspRevoked(result: OcspResult): boolean {
  return result !== null && 'verdict' in result && result.verdict.verified && result.verdict.status === 'revoked';
}
