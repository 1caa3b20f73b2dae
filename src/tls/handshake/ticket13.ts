/**
 * A TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1) made into a resumable session: the ticket, its
 * lifetime and age_add, the max_early_data_size its early_data extension allows (§4.2.10), and
 * the PSK derived from the resumption master secret and the ticket nonce.
 */
import { resumptionPsk } from './keyschedule.js';
import { renewedFacts, sessionFacts } from './negotiated.js';
import { findExtension, ExtensionType } from '../codec/extensions.js';
import { decodeNewSessionTicket13 } from '../codec/handshake.js';
import { Reader } from '../codec/bytes.js';
import { ProtocolVersion, type CipherSuite } from '../codec/names.js';
import { decodeError, illegalParameter } from '../errors.js';
import { createSession, sessionFromTls13Ticket, type Session } from '../session/session.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';

/** RFC 8446 §4.6.1: ticket lifetimes above seven days are illegal_parameter. */
const MAX_TICKET_LIFETIME = 604800;

/** The session a NewSessionTicket body makes; `resumed` is the session this connection resumed, if any. */
export function sessionFromTicket13(
  o: ContextOptions,
  suite: CipherSuite,
  info: ConnectionInfo,
  resumed: Session | undefined,
  resumptionMaster: Uint8Array,
  body: Uint8Array,
): Session {
  const t = decodeNewSessionTicket13(body);
  if (t.lifetime > MAX_TICKET_LIFETIME) throw illegalParameter('ticket lifetime above 7 days');
  let maxEarlyData = 0;
  const early = findExtension(t.extensions, ExtensionType.early_data);
  if (early) {
    // early_data in NewSessionTicket: uint32 max_early_data_size (RFC 8446 §4.2.10).
    if (early.data.length !== 4) throw decodeError('bad early_data in NewSessionTicket');
    maxEarlyData = new Reader(early.data, 'early_data').u32();
  }
  const p = o.provider;
  const psk = resumptionPsk(p, suite.hash, resumptionMaster, t.nonce);
  info.tickets++;
  const now = o.now();
  const base = createSession({
    version: ProtocolVersion.TLS1_3,
    cipherSuite: suite.id,
    masterKey: psk,
    ...renewedFacts(sessionFacts(info, now), resumed),
  });
  return sessionFromTls13Ticket(
    base,
    { lifetime: t.lifetime, ageAdd: t.ageAdd, ticket: t.ticket, maxEarlyData },
    psk,
    now,
    (d) => p.digest('sha256', d),
  );
}
