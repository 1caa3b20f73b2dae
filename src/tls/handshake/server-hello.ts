/**
 * The client's checks on a ServerHello or HelloRetryRequest that do not depend on the handshake
 * state: the selected version and downgrade protection (RFC 8446 §4.2.1, §4.1.3), the offered suite
 * and null compression, the legacy_session_id echo, and HelloRetryRequest's key_share (§4.2.8).
 * client.ts calls them; they return what passed or throw the alert.
 */
import { equalBytes } from './util.js';
import { offeredGroups, offeredSuites, offeredVersions } from './clienthello.js';
import { checkSuiteAndCompression } from './negotiated.js';
import { AlertDescription } from '../codec/alerts.js';
import { findExtension, readSelectedVersion } from '../codec/extensions.js';
import {
  DOWNGRADE_JDK11,
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  type ClientHello,
  type ServerHello,
} from '../codec/handshake.js';
import { ExtensionType } from '../codec/registry.js';
import { ProtocolVersion, groupById } from '../codec/names.js';
import type { KeyShare } from '../crypto/provider.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import type { ContextOptions } from '../types.js';

/**
 * Checks shared by ServerHello and HRR: offered suite, null compression, and in TLS 1.3 the
 * legacy_session_id echo (a TLS 1.2 server assigns its own session ID).
 */
export function checkCommonServerHello(o: ContextOptions, sh: ServerHello, hello: ClientHello, tls13: boolean): void {
  if (tls13 && !equalBytes(sh.sessionId, hello.sessionId)) throw illegalParameter('legacy_session_id_echo mismatch');
  checkSuiteAndCompression(sh, offeredSuites(o));
}

/** The version the server selected (RFC 8446 §4.2.1, §4.1.3), refusing what we did not offer and downgrades. */
export function selectedVersion(o: ContextOptions, sh: ServerHello, afterHrr: boolean): number {
  const offered = offeredVersions(o);
  const ver = findExtension(sh.extensions, ExtensionType.supported_versions);
  const version = ver ? readSelectedVersion(ver.data) : sh.legacyVersion;
  const tls13 = version === ProtocolVersion.TLS1_3;
  // RFC 8446 §4.2.1: supported_versions naming anything but TLS 1.3 is illegal_parameter (as OpenSSL).
  if (ver && !tls13) throw illegalParameter('supported_versions in ServerHello selects a version other than TLS 1.3');
  if (!offered.includes(version)) {
    const known = version >= ProtocolVersion.TLS1_0 && version <= ProtocolVersion.TLS1_3;
    throw new TlsAlert(
      AlertDescription.protocol_version,
      `server selected ${known ? 'a version we did not offer' : 'an unsupported version'}`,
    );
  }
  if (afterHrr && !tls13) throw illegalParameter('ServerHello after HelloRetryRequest is not TLS 1.3');
  if (tls13 && sh.legacyVersion !== ProtocolVersion.TLS1_2)
    throw illegalParameter('bad legacy_version in TLS 1.3 ServerHello');
  // RFC 8446 §4.1.3: a client that offered TLS 1.3 refuses both sentinels below 1.3 (and, as
  // BoringSSL's client, the JDK 11 workaround's marker); one that offered TLS 1.2 refuses
  // DOWNGRD\x00 when the server picked TLS 1.1 or below.
  const tail = sh.random.subarray(24);
  if (
    (version < ProtocolVersion.TLS1_3 &&
      offered.includes(ProtocolVersion.TLS1_3) &&
      [DOWNGRADE_TLS12, DOWNGRADE_TLS11, DOWNGRADE_JDK11].some((d) => equalBytes(tail, d))) ||
    (version < ProtocolVersion.TLS1_2 && offered.includes(ProtocolVersion.TLS1_2) && equalBytes(tail, DOWNGRADE_TLS11))
  )
    throw illegalParameter('downgrade sentinel in ServerHello.random');
  return version;
}

/** key_share in a HelloRetryRequest (RFC 8446 §4.2.8): a group we offered but sent no share for. */
export function retryKeyShare(o: ContextOptions, groupId: number, sent: KeyShare[]): KeyShare {
  const g = groupById(groupId);
  if (!g || !offeredGroups(o).includes(groupId)) throw illegalParameter('HelloRetryRequest for a group not offered');
  if (sent.some((k) => k.group === g.name)) throw illegalParameter('HelloRetryRequest for a group already shared');
  return o.provider.generateKeyShare(g.name);
}
