/**
 * The session model: the TLS 1.3 ticket age (RFC 8446 §4.2.11.1, to the millisecond), resumability,
 * NewSessionTicket → session, the bad-session rule and single use of TLS 1.3 tickets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  SessionCache,
  clearBadSession,
  createSession,
  isBadSession,
  isResumable,
  obfuscatedTicketAge,
  removeSession,
  sessionFromTls13Ticket,
  sessionIdForTicket,
  ticketAge,
  ticketAgeMs,
  type Session,
} from '../../src/tls/session/index.js';

const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const T = 1_795_303_474; // s13.pem's Start Time

function ticketSession(o: Partial<Session> = {}): Session {
  return createSession({
    version: 0x0304,
    cipherSuite: 0x1302,
    masterKey: new Uint8Array(48).fill(1),
    time: T,
    ticket: Uint8Array.of(1, 2, 3),
    sessionId: new Uint8Array(32).fill(9),
    tickLifetimeHint: 7200,
    tickAgeAdd: 0x768380e7,
    ...o,
  });
}

// ---------------------------------------------------------------------------------------------
// Ticket age (RFC 8446 §4.2.11.1): milliseconds since receipt; offered while below the lifetime (§4.6.1).

test('ticket age 0: same millisecond as receipt, the obfuscated age is age_add itself', () => {
  const s = ticketSession();
  assert.deepEqual(ticketAge(s, T * 1000), { ageMs: 0, obfuscated: 0x768380e7 });
  assert.equal(ticketAgeMs(s, T * 1000 + 999), 999);
});

test('ticket age 1.5 s is 1500 ms (OpenSSL would send 0: whole seconds minus one)', () => {
  const s = ticketSession();
  assert.equal(ticketAgeMs(s, T * 1000 + 1500), 1500);
  assert.equal(obfuscatedTicketAge(s, T * 1000 + 1500), 0x768380e7 + 1500);
});

test('ticket age counts from the receipt millisecond, not the whole second `time`', () => {
  // Received at T.900, offered at (T+1).100: 200 ms, though the clock crossed a second.
  const s = ticketSession({ receivedAtMs: T * 1000 + 900 });
  assert.equal(ticketAgeMs(s, (T + 1) * 1000 + 100), 200);
  assert.equal(ticketAgeMs(s, (T + 10) * 1000 + 900), 10_000); // BoGo TLS13-TestValidTicketAge-Client: 10 s
  assert.equal(obfuscatedTicketAge(s, (T + 3600) * 1000 + 900), (3_600_000 + 0x768380e7) % 2 ** 32);
});

test('a ticket is offered while its age is below the lifetime, never at or past it', () => {
  const s = ticketSession({ tickLifetimeHint: 20 });
  assert.equal(ticketAgeMs(s, (T + 19) * 1000), 19_000); // BoGo TLS13-HonorServerSessionTicketLifetime
  assert.equal(ticketAgeMs(s, (T + 20) * 1000 - 1), 19_999);
  assert.equal(ticketAge(s, (T + 20) * 1000), undefined);
  assert.equal(ticketAge(s, (T + 21) * 1000), undefined); // ...-2: age 21 s, lifetime 20 s
  assert.equal(obfuscatedTicketAge(s, (T + 21) * 1000), undefined);
  // ticket_lifetime 0: "the ticket should be discarded immediately" (RFC 8446 §4.6.1).
  assert.equal(ticketAge(ticketSession({ tickLifetimeHint: 0 }), T * 1000), undefined);
});

test('the lifetime is capped at 7 days (RFC 8446 §4.6.1)', () => {
  const s = ticketSession({ tickLifetimeHint: 0xffffffff });
  assert.equal(ticketAgeMs(s, (T + 604_799) * 1000), 604_799_000);
  assert.equal(ticketAge(s, (T + 604_800) * 1000), undefined);
});

test('the obfuscated age wraps mod 2^32', () => {
  const s = ticketSession({ tickAgeAdd: 0xffffff00 });
  assert.equal(obfuscatedTicketAge(s, (T + 1) * 1000), 1000 - 0x100); // (1000 + 0xFFFFFF00) mod 2^32
  assert.equal(obfuscatedTicketAge(ticketSession({ tickAgeAdd: 0xffffffff }), T * 1000), 0xffffffff);
});

test('a clock behind the receipt time offers nothing', () => {
  assert.equal(ticketAge(ticketSession(), (T - 5) * 1000), undefined);
  assert.equal(ticketAge(ticketSession(), T * 1000 - 1), undefined);
});

// ---------------------------------------------------------------------------------------------
// Resumability and tickets.

test('isResumable: not marked bad, and a session id or a non-empty ticket', () => {
  assert.equal(isResumable(ticketSession()), true);
  assert.equal(isResumable(ticketSession({ sessionId: new Uint8Array(0) })), true); // ticket only
  assert.equal(isResumable(ticketSession({ ticket: undefined })), true); // session id only
  assert.equal(isResumable(ticketSession({ sessionId: new Uint8Array(0), ticket: undefined })), false);
  assert.equal(isResumable(ticketSession({ sessionId: new Uint8Array(0), ticket: new Uint8Array(0) })), false);
  assert.equal(isResumable(ticketSession({ notResumable: true })), false);
});

test('sessionIdForTicket is SHA-256 of the ticket (s_client transcript: first ticket of client13_new.txt)', () => {
  const ticket = new Uint8Array(
    Buffer.from(
      '5f68ce5ba1f25bcd2f64edbaac79377f536bf09df356ffadf933c1fed655faeac1da54121727e6f8b498bf06081cae03f661d51afc7b8f5a8e830a8061d81605a93dfd639145a74e3ca4d2088bfa7f9ce8828b7f5f7f1de1ba016eaa7a735f7cafd2ede2e3cf5e7bcfd0cce3e8e59d953557f5b6a2b7ffa877bedff5b7a1a80c697bdd19bf1200d477e4b25d1bd35ac9e007dcad73770889b739ebebdc15a0a7dcacb7e18c4f38a320ab4b54a5b1fa2d8c46a053f4530a5a385a1e097ab68d541f3030684eaade21f0d66a09131905de',
      'hex',
    ),
  );
  assert.equal(
    Buffer.from(sessionIdForTicket(ticket, sha256)).toString('hex').toUpperCase(),
    '59489FFD8782BAA4A3808CAEC375E86E98D82D353B9BCAD18E98489828608F04',
  );
});

test('sessionFromTls13Ticket: a fresh, resumable copy stamped with the receipt time', () => {
  const base = createSession({
    version: 0x0304,
    cipherSuite: 0x1301,
    masterKey: new Uint8Array(32),
    time: T - 100,
    hostname: 'localhost',
    verifyResult: 18,
    kexGroup: 29,
    maxEarlyData: 0,
  });
  base.notResumable = true; // e.g. right after the handshake, before any ticket
  const nowMs = (T + 5) * 1000 + 750;
  const psk = new Uint8Array(32).fill(0x42);
  const ticket = Uint8Array.of(9, 8, 7, 6);
  const s = sessionFromTls13Ticket(
    base,
    { lifetime: 7200, ageAdd: 0x80000001, ticket, maxEarlyData: 16384 },
    psk,
    nowMs,
    sha256,
  );
  assert.equal(s.time, T + 5);
  assert.equal(s.receivedAtMs, nowMs);
  assert.deepEqual(s.ticket, ticket);
  assert.notEqual(s.ticket, ticket); // copied, the caller's buffer may be reused
  assert.deepEqual(s.sessionId, sha256(ticket));
  assert.deepEqual(s.masterKey, psk);
  assert.equal(s.tickLifetimeHint, 7200);
  assert.equal(s.tickAgeAdd, 0x80000001);
  assert.equal(s.maxEarlyData, 16384);
  assert.equal(s.hostname, 'localhost');
  assert.equal(s.verifyResult, 18);
  assert.equal(s.notResumable, false);
  assert.equal(s.used, false);
  assert.equal(isResumable(s), true);
  assert.equal(base.ticket, undefined); // the base session is not modified
  assert.equal(base.notResumable, true);
  // Without an early_data extension the duplicate keeps the base value (OpenSSL's ssl_session_dup).
  const again = sessionFromTls13Ticket(s, { lifetime: 60, ageAdd: 1, ticket: Uint8Array.of(1) }, psk, nowMs, sha256);
  assert.equal(again.maxEarlyData, 16384);
  assert.throws(
    () => sessionFromTls13Ticket(base, { lifetime: 1, ageAdd: 1, ticket: new Uint8Array(0) }, psk, nowMs, sha256),
    RangeError,
  );
});

// ---------------------------------------------------------------------------------------------
// Cache, bad-session rule (§5.2), single use (RFC 8446 Appendix C.4).

const KEY = { host: 'localhost', port: 4433, servername: 'localhost' };

test('removeSession marks the object not resumable and drops it from the cache', () => {
  const cache = new SessionCache();
  const s = ticketSession();
  cache.add(KEY, s);
  assert.equal(cache.peek(KEY), s);
  assert.equal(removeSession(s, cache), true);
  assert.equal(s.notResumable, true);
  assert.equal(cache.has(s), false);
  assert.equal(cache.takeForResumption(KEY), undefined);
  // Marked even when it was never cached (since 1.1.0): a saved reference becomes useless.
  const loose = ticketSession();
  assert.equal(removeSession(loose), false);
  assert.equal(isResumable(loose), false);
});

test('clearBadSession fires only for a finished connection closed without our close_notify', () => {
  const cache = new SessionCache();
  const clean = ticketSession();
  const inInit = ticketSession();
  const bad = ticketSession();
  for (const s of [clean, inInit, bad]) cache.add(KEY, s);
  assert.equal(clearBadSession(clean, { sentShutdown: true, handshakeDone: true }, cache), false);
  assert.equal(clearBadSession(inInit, { sentShutdown: false, handshakeDone: false }, cache), false);
  assert.equal(clearBadSession(bad, { sentShutdown: false, handshakeDone: true }, cache), true);
  assert.equal(clearBadSession(undefined, { sentShutdown: false, handshakeDone: true }, cache), false);
  assert.equal(isResumable(clean) && isResumable(inInit), true);
  assert.equal(bad.notResumable, true);
  assert.deepEqual(cache.sessions(KEY), [inInit, clean]);
  assert.equal(isBadSession({ sentShutdown: false, handshakeDone: true }), true);
});

test('TLS 1.3 tickets are taken once each, newest first', () => {
  const cache = new SessionCache();
  const older = ticketSession({ time: T });
  const newer = ticketSession({ time: T + 1 });
  cache.add(KEY, older);
  cache.add(KEY, newer);
  assert.equal(cache.takeForResumption(KEY), newer);
  assert.equal(newer.used, true);
  assert.equal(cache.takeForResumption(KEY), older);
  assert.equal(cache.takeForResumption(KEY), undefined);
  assert.equal(cache.size, 2); // kept (e.g. for printing), but never offered again
});

test('TLS 1.2 sessions stay reusable; non-resumable ones are skipped', () => {
  const cache = new SessionCache();
  const s12 = createSession({
    version: 0x0303,
    cipherSuite: 0xc02f,
    masterKey: new Uint8Array(48),
    time: T,
    sessionId: new Uint8Array(32).fill(3),
  });
  const dead = createSession({ version: 0x0303, cipherSuite: 0xc02f, masterKey: new Uint8Array(48), time: T + 1 });
  cache.add(KEY, s12);
  cache.add(KEY, dead); // newest, but no session id and no ticket
  assert.equal(cache.takeForResumption(KEY), s12);
  assert.equal(cache.takeForResumption(KEY), s12);
  assert.equal(s12.used, true);
});

test('the cache keys on host, port and servername, and keeps only the newest per key', () => {
  const cache = new SessionCache(2);
  const [a, b, c] = [ticketSession(), ticketSession(), ticketSession()];
  cache.add(KEY, a);
  cache.add(KEY, b);
  cache.add(KEY, c);
  assert.deepEqual(cache.sessions(KEY), [c, b]);
  cache.add(KEY, b); // re-adding moves it to the front without duplicating
  assert.deepEqual(cache.sessions(KEY), [b, c]);
  assert.equal(cache.peek({ ...KEY, servername: null }), undefined);
  assert.equal(cache.peek({ ...KEY, port: 443 }), undefined);
  assert.equal(cache.peek({ ...KEY, host: 'LOCALHOST' }), b);
  assert.equal(cache.delete(c), true);
  assert.equal(c.notResumable, false); // delete is not the bad-session rule
  assert.equal(cache.delete(c), false);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.throws(() => new SessionCache(0), RangeError);
});
