/** Runs certificate verification for a handshake and records the result in the report info. */
import { sharedCertificateInfo, isIpAddress, verifyServerChain, x509ErrorText } from '../x509/index.js';
import { VerifyError } from '../errors.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';
import type { Session } from '../session/session.js';

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
  // The report shares each certificate's description and DER with the parse cache's private copy
  // (not the Certificate message's arrays, which go away with the handshake): connections to the
  // same server hold one copy between them.
  info.peerCertificates = chain.map(sharedCertificateInfo);
  const name = verifyName ?? undefined;
  const ip = name && isIpAddress(name) ? name : undefined;
  const r = verifyServerChain({
    ...o.verifyOptions,
    chain,
    anchors: o.trustAnchors,
    ...(ip ? { ip } : name ? { hostname: name } : {}),
    now: new Date(o.now()),
    securityLevel: o.securityLevel,
  });
  info.verify = {
    ok: r.code === 0,
    code: r.code,
    message: r.message,
    depth: r.depth,
    ...(r.rule ? { rule: r.rule } : {}),
    // Only when there are some: an empty array per connection is ~32 B an idle connection keeps.
    ...(r.warnings.length ? { warnings: r.warnings } : {}),
  };
  const reason = r.rule ? `${r.message}: ${r.rule}` : r.message;
  if (!o.verifyCallback) {
    if (r.code !== 0 && o.verifyPeer && o.verifyFailIsFatal) throw new VerifyError(r.code, reason, r.depth);
    return;
  }
  applyCallback(o, info, chain, false);
}

/**
 * The verify callback's verdict replaces the built-in one when it differs (OpenSSL: the callback's
 * return overrides preverify_ok and X509_STORE_CTX_set_error sets the code); fatal under verifyPeer.
 */
function applyCallback(o: ContextOptions, info: ConnectionInfo, chain: readonly Uint8Array[], resumed: boolean): void {
  const code = o.verifyCallback?.({ chain, code: info.verify.code, ocspResponse: info.ocspResponse, resumed });
  if (code === undefined) return;
  if (code !== info.verify.code)
    info.verify = { ok: code === 0, code, message: code === 0 ? 'ok' : x509ErrorText(code), depth: 0 };
  if (code !== 0 && o.verifyPeer && o.verifyFailIsFatal) {
    const v = info.verify;
    throw new VerifyError(code, v.rule ? `${v.message}: ${v.rule}` : v.message, v.depth);
  }
}

/**
 * A resumption with reverifyOnResume (BoringSSL ssl_reverify_peer_cert): the callback judges the
 * session's stored result again, over the leaf the session kept. Without a callback the stored
 * result stands, fatal under verifyPeer as on a full handshake.
 */
export function reverifySession(o: ContextOptions, info: ConnectionInfo, s: Session): void {
  if (!o.reverifyOnResume) return;
  if (o.verifyCallback) return applyCallback(o, info, s.peerCertificate ? [s.peerCertificate] : [], true);
  if (info.verify.code !== 0 && o.verifyPeer && o.verifyFailIsFatal)
    throw new VerifyError(info.verify.code, info.verify.message, 0);
}
