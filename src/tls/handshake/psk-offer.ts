/**
 * The TLS 1.3 PSK the client offers in its ClientHello (RFC 8446 §4.2.11): a resumable session's
 * ticket with its obfuscated age, or else an external PSK (s_client -psk), and the binder over the
 * ClientHello truncated before the binders (§4.2.11.2).
 */
import type { Transcript } from './transcript.js';
import { offeredVersions, type PskOffer } from './clienthello.js';
import { KeySchedule, finishedVerifyData } from './keyschedule.js';
import type { ServerHello } from '../codec/handshake.js';
import { ProtocolVersion, suiteById, type HashName } from '../codec/names.js';
import { utf8 } from '../codec/bytes.js';
import { obfuscatedTicketAge, isResumable, type Session } from '../session/session.js';
import type { ContextOptions } from '../types.js';

/**
 * An external PSK offered in TLS 1.3. OpenSSL's s_client and s_server give the key of -psk the
 * hash of TLS_AES_128_GCM_SHA256 (apps/s_client.c psk_use_session_cb, s_server.c
 * psk_find_session_cb), so it is offered with SHA-256 only, as RFC 8446 §4.2.11 lets a PSK
 * without a configured hash default to.
 */
export interface ExternalPsk {
  key: Uint8Array;
  hash: HashName;
  identity: string;
}

/** What a ClientHello offers as its one PSK: a session to resume or an external key. */
export type OfferedPsk = { psk: PskOffer } & ({ session: Session } | { external: ExternalPsk });

/**
 * The PSK offer for this ClientHello: the session `s` when it is a resumable TLS 1.3 session whose
 * suite's hash we still offer, else the context's external PSK when a SHA-256 suite is offered;
 * `hrr` and `transcript` when it goes in the second ClientHello (RFC 8446 §4.1.4).
 */
export function pskOffer(
  o: ContextOptions,
  s: Session | undefined,
  hrr: ServerHello | undefined,
  transcript: Transcript,
): OfferedPsk | undefined {
  if (!offeredVersions(o).includes(ProtocolVersion.TLS1_3)) return undefined;
  return sessionOffer(o, s, hrr, transcript) ?? externalOffer(o, hrr, transcript);
}

/** True when we offer a TLS 1.3 suite of `hash` and, after a HelloRetryRequest, it chose one. */
function hashUsable(o: ContextOptions, hash: HashName, hrr: ServerHello | undefined): boolean {
  if (!o.cipherSuites13.some((id) => suiteById(id)?.hash === hash)) return false;
  // RFC 8446 §4.1.4: after a HelloRetryRequest only PSKs of the selected suite's hash remain.
  return !(hrr && hrr.cipherSuite && suiteById(hrr.cipherSuite)?.hash !== hash);
}

/** The binder (RFC 8446 §4.2.11.2): over the transcript, the HRR included, up to the binders. */
function binderFor(
  o: ContextOptions,
  hash: HashName,
  key: Uint8Array,
  external: boolean,
  hrr: ServerHello | undefined,
  transcript: Transcript,
): (truncated: Uint8Array) => Uint8Array {
  const p = o.provider;
  return (truncated) => {
    const ks = new KeySchedule(p, hash, key);
    const th = hrr ? transcript.hashWith(truncated) : p.digest(hash, truncated);
    return finishedVerifyData(p, hash, ks.binderKey(external), th);
  };
}

function sessionOffer(
  o: ContextOptions,
  s: Session | undefined,
  hrr: ServerHello | undefined,
  transcript: Transcript,
): OfferedPsk | undefined {
  if (!s || s.version !== ProtocolVersion.TLS1_3 || !s.ticket || !isResumable(s)) return undefined;
  const suite = suiteById(s.cipherSuite);
  if (!suite || !hashUsable(o, suite.hash, hrr)) return undefined;
  const age = obfuscatedTicketAge(s, o.now());
  if (age === undefined) return undefined;
  const binder = binderFor(o, suite.hash, s.masterKey, false, hrr, transcript);
  return { psk: { identity: s.ticket, obfuscatedAge: age, hash: suite.hash, binder }, session: s };
}

function externalOffer(
  o: ContextOptions,
  hrr: ServerHello | undefined,
  transcript: Transcript,
): OfferedPsk | undefined {
  if (!o.psk) return undefined;
  const hash: HashName = 'sha256';
  if (!hashUsable(o, hash, hrr)) return undefined;
  const { identity, key } = o.psk;
  const id = typeof identity === 'string' ? utf8(identity) : identity;
  const name = typeof identity === 'string' ? identity : new TextDecoder().decode(identity);
  // RFC 8446 §4.2.11: obfuscated_ticket_age is 0 for identities established externally.
  const binder = binderFor(o, hash, key, true, hrr, transcript);
  return { psk: { identity: id, obfuscatedAge: 0, hash, binder }, external: { key, hash, identity: name } };
}
