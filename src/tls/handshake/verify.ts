/** Runs certificate verification for a handshake and records the result in the report info. */
import { describeCertificate, isIpAddress, verifyServerChain } from '../x509/index.js';
import { VerifyError } from '../errors.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';

/**
 * Verifies the server's chain against the trust anchors, the clock and `verifyName` (a host name
 * or IP literal, or null to skip the name check). Throws VerifyError when that is fatal.
 */
export function verifyPeer(
  o: ContextOptions,
  info: ConnectionInfo,
  chain: Uint8Array[],
  verifyName: string | null,
): void {
  // The report keeps its own copy of each certificate: the parse cache (keyed by the arrays of the
  // Certificate message) then goes away with the handshake instead of living as long as the report.
  info.peerCertificates = chain.map((der) => ({ ...describeCertificate(der), der: der.slice() }));
  const name = verifyName ?? undefined;
  const ip = name && isIpAddress(name) ? name : undefined;
  const r = verifyServerChain({
    ...o.verifyOptions,
    chain,
    anchors: o.trustAnchors,
    ...(ip ? { ip } : name ? { hostname: name } : {}),
    now: new Date(o.now()),
  });
  info.verify = {
    ok: r.code === 0,
    code: r.code,
    message: r.message,
    depth: r.depth,
    ...(r.rule ? { rule: r.rule } : {}),
    warnings: r.warnings,
  };
  const reason = r.rule ? `${r.message}: ${r.rule}` : r.message;
  if (r.code !== 0 && o.verifyPeer && o.verifyFailIsFatal) throw new VerifyError(r.code, reason, r.depth);
}
