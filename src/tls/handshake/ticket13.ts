/**
 * A TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1) turned into a resumable session: the resumption PSK
 * from the ticket nonce, the ticket's lifetime, age_add and early_data limit, and the connection's
 * facts (carried over from the resumed session after a PSK handshake).
 */
import type { HelloOutcome } from './hello-outcome.js';
import { resumptionPsk } from './keyschedule.js';
import { renewedFacts, sessionFacts } from './negotiated.js';
import { Reader } from '../codec/bytes.js';
import { findExtension } from '../codec/extensions.js';
import { decodeNewSessionTicket13 } from '../codec/handshake.js';
import { ExtensionType } from '../codec/registry.js';
import { ProtocolVersion } from '../codec/names.js';
import { decodeError, illegalParameter } from '../errors.js';
import { createSession, sessionFromTls13Ticket, type Session } from '../session/session.js';

/** RFC 8446 §4.6.1: ticket lifetimes above seven days are illegal_parameter. */
const MAX_TICKET_LIFETIME = 604800;

/** What a ticket needs of the connection: the host (clock, provider), the suite, the facts. */
export type TicketContext = Pick<HelloOutcome, 'host' | 'suite' | 'info' | 'pskSession'>;

/** NewSessionTicket → a resumable session with the resumption PSK (counted in info.tickets). */
export function ticketSession(
  k: TicketContext,
  body: Uint8Array,
  resumptionMaster: Uint8Array,
  resumed: boolean,
): Session {
  const { host, suite, info } = k;
  const t = decodeNewSessionTicket13(body);
  if (t.lifetime > MAX_TICKET_LIFETIME) throw illegalParameter('ticket lifetime above 7 days');
  let maxEarlyData = 0;
  const early = findExtension(t.extensions, ExtensionType.early_data);
  if (early) {
    // early_data in NewSessionTicket: uint32 max_early_data_size (RFC 8446 §4.2.10).
    if (early.data.length !== 4) throw decodeError('bad early_data in NewSessionTicket');
    maxEarlyData = new Reader(early.data, 'early_data').u32();
  }
  const p = host.options.provider;
  const psk = resumptionPsk(p, suite.hash, resumptionMaster, t.nonce);
  info.tickets++;
  const now = host.options.now();
  const base = createSession({
    version: ProtocolVersion.TLS1_3,
    cipherSuite: suite.id,
    masterKey: psk,
    ...renewedFacts(sessionFacts(info, now), resumed ? k.pskSession : undefined),
  });
  return sessionFromTls13Ticket(
    base,
    { lifetime: t.lifetime, ageAdd: t.ageAdd, ticket: t.ticket, maxEarlyData },
    psk,
    now,
    (d) => p.digest('sha256', d),
  );
}
