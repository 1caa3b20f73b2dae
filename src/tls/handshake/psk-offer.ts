/**
 * The TLS 1.3 PSK the client offers in its ClientHello (RFC 8446 §4.2.11): a resumable session's
 * ticket, its obfuscated age, and the binder over the ClientHello truncated before the binders.
 */
import type { Transcript } from './transcript.js';
import { offeredVersions, type PskOffer } from './clienthello.js';
import { KeySchedule, finishedVerifyData } from './keyschedule.js';
import type { ServerHello } from '../codec/handshake.js';
import { ProtocolVersion, suiteById } from '../codec/names.js';
import { obfuscatedTicketAge, isResumable, type Session } from '../session/session.js';
import type { ContextOptions } from '../types.js';

/**
 * A PSK offer for `s` when it is a resumable TLS 1.3 session whose suite's hash we still offer;
 * `hrr` and `transcript` when it goes in the second ClientHello (RFC 8446 §4.1.4).
 */
export function pskOffer(
  o: ContextOptions,
  s: Session | undefined,
  hrr: ServerHello | undefined,
  transcript: Transcript,
): { psk: PskOffer; session: Session } | undefined {
  if (!s || s.version !== ProtocolVersion.TLS1_3 || !s.ticket || !isResumable(s)) return undefined;
  if (!offeredVersions(o).includes(ProtocolVersion.TLS1_3)) return undefined;
  const suite = suiteById(s.cipherSuite);
  if (!suite || !o.cipherSuites13.some((id) => suiteById(id)?.hash === suite.hash)) return undefined;
  const age = obfuscatedTicketAge(s, o.now());
  if (age === undefined) return undefined;
  // RFC 8446 §4.1.4: after a HelloRetryRequest only PSKs of the selected suite's hash remain.
  if (hrr && hrr.cipherSuite && suiteById(hrr.cipherSuite)?.hash !== suite.hash) return undefined;
  const p = o.provider;
  const psk: PskOffer = {
    identity: s.ticket,
    obfuscatedAge: age,
    hash: suite.hash,
    // RFC 8446 §4.2.11.2: the binder covers the transcript, the HRR included, up to the binders.
    binder: (truncated) => {
      const ks = new KeySchedule(p, suite.hash, s.masterKey);
      const th = hrr ? transcript.hashWith(truncated) : p.digest(suite.hash, truncated);
      return finishedVerifyData(p, suite.hash, ks.binderKey(false), th);
    },
  };
  return { psk, session: s };
}
