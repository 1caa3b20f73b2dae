/**
 * Session rules of spec/openssl-semantics.md §5, checked with the project's Connection against the
 * in-memory TestServer (test/helpers/tls-server.ts):
 *  - the bad-session rule (§5.2): a finished connection freed without close_notify leaves its
 *    session not resumable and out of the context's cache, and it is not offered again; with
 *    close_notify first it stays resumable; a fatal alert, sent or received, removes it too;
 *  - EMS consistency on resumption (§5.3, RFC 7627 §5.3): a TLS 1.2 session flag that does not
 *    match the resuming ServerHello's extended_master_secret is a fatal handshake_failure
 *    "inconsistent extms";
 *  - TLS 1.3 ticket age (§5.4): the obfuscated_ticket_age the ClientHello carries, as the server
 *    de-obfuscates it, with OpenSSL's whole-second arithmetic and its "minus one"; a ticket whose
 *    lifetime hint is below its age is not offered; the PSK binder our ClientHello carries is
 *    recomputed here from RFC 8446 §4.2.11.2 with node:crypto alone and must match.
 * Time is a Context option (`now`), so no test depends on the wall clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex } from '../../src/tls/codec/bytes.js';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { ExtensionType, findExtension } from '../../src/tls/codec/extensions.js';
import { HandshakeType, decodeServerHello, encodeServerHello, frameHandshake } from '../../src/tls/codec/handshake.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { SslError } from '../../src/tls/types.js';
import type { Session } from '../../src/tls/session/session.js';
import { SESSION_FLAG_EXTMS, isResumable, ticketAge } from '../../src/tls/session/session.js';
import type { SessionCacheKey } from '../../src/tls/session/cache.js';
import {
  ServerStore,
  connectPair,
  describeFailure,
  handshake,
  handshakeAndReadTickets,
  readOnce,
  type TestPair,
} from '../helpers/tls-server.js';
import { clientPsk, type TestServerOptions } from '../helpers/tls-server-common.js';
import { expectedBinder } from '../helpers/binder-oracle.js';
import type { ContextOptions } from '../../src/tls/types.js';

const KEY: SessionCacheKey = { host: 'localhost', port: 443, servername: 'localhost' };
/** A whole second (certificates are checked against the same clock), so whole-second ticket ages are exact. */
const T0 = Math.floor(Date.now() / 1000) * 1000;

/**
 * A pair whose client files every session it receives in its Context's cache under KEY (as the
 * CLI's run loop does), with an optional fixed clock.
 */
async function cachedPair(
  server: Partial<TestServerOptions>,
  session?: Session,
  ctx: Partial<ContextOptions> = {},
): Promise<TestPair> {
  const pair: TestPair = await connectPair(server, ctx, {
    ...(session ? { session } : {}),
    events: { session: (s) => pair.ctx.sessions.add(KEY, s) },
  });
  return pair;
}

function offeredPsk(pair: TestPair): boolean {
  return findExtension(pair.server.clientHellos[0]!.extensions, ExtensionType.pre_shared_key) !== undefined;
}

function assertClientAlert(pair: TestPair, description: AlertDescription, received: boolean, reason?: RegExp): void {
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, `client failure is ${String(f)}`);
  assert.equal(f.description, description, f.message);
  assert.equal(f.received, received);
  if (reason) assert.match(f.message, reason);
}

// --- the bad-session rule (§5.2) -------------------------------------------------------------

describe('bad-session rule: free() without close_notify', () => {
  for (const [name, server] of [
    ['TLS 1.3 ticket', { version: 0x0304, tickets: 1 }],
    ['TLS 1.2 session ID', { version: 0x0303 }],
    ['TLS 1.2 RFC 5077 ticket', { version: 0x0303, ticket12: true, sessionCache: false }],
  ] as const) {
    test(`${name}: freed without shutdown → not resumable, out of the cache, not offered again`, async () => {
      const store = new ServerStore();
      const first = await cachedPair({ ...server, store });
      handshakeAndReadTickets(first);
      assert.equal(first.sessions.length, 1);
      const s = first.sessions[0]!;
      assert.equal(isResumable(s), true);
      assert.equal(first.ctx.sessions.peek(KEY), s);
      first.conn.free(); // SSL_free with no SSL_shutdown
      assert.equal(s.notResumable, true, 'the session must be marked not_resumable');
      assert.equal(isResumable(s), false);
      assert.equal(first.ctx.sessions.has(s), false, 'the session must leave the cache');
      assert.equal(first.ctx.sessions.takeForResumption(KEY), undefined);

      // Offered to a new connection anyway: the client must not offer it (OpenSSL replaces it by a
      // fresh session at ClientHello), so the server, which still knows it, does a full handshake.
      const second = await connectPair({ ...server, store }, {}, { session: s });
      handshake(second);
      const ch = second.server.clientHellos[0]!;
      if (server.version === 0x0304) assert.equal(offeredPsk(second), false, 'no pre_shared_key for a bad session');
      else {
        assert.notEqual(toHex(ch.sessionId), toHex(s.sessionId), 'the bad session ID is not offered');
        const t = findExtension(ch.extensions, ExtensionType.session_ticket);
        if (s.ticket) assert.equal(t?.data.length ?? 0, 0, 'the bad ticket is not offered');
      }
      assert.equal(second.server.facts.resumed, false);
      assert.equal(second.conn.handshake.info.resumed, false);
    });

    test(`${name}: with shutdown first the session stays resumable and resumes`, async () => {
      const store = new ServerStore();
      const first = await cachedPair({ ...server, store });
      handshakeAndReadTickets(first);
      const s = first.sessions[0]!;
      first.conn.shutdown();
      first.server.pump();
      first.conn.free();
      assert.equal(first.server.closeNotifyReceived, true);
      assert.equal(s.notResumable, false);
      assert.equal(first.ctx.sessions.peek(KEY), s);

      const second = await connectPair({ ...server, store }, {}, { session: s });
      handshake(second);
      assert.equal(second.server.facts.resumed, true, describeFailure(second, -1));
      assert.equal(second.conn.handshake.info.resumed, true);
      assert.equal(second.conn.handshake.info.handshake, 'resumed');
    });
  }

  test("TLS 1.3 with two tickets: only the connection's current session (the last ticket) is marked", async () => {
    const first = await cachedPair({ tickets: 2 });
    handshakeAndReadTickets(first);
    const [older, newer] = first.sessions as [Session, Session];
    assert.equal(first.conn.session, newer, "SSL_get_session is the last ticket's session");
    first.conn.free();
    assert.equal(newer.notResumable, true);
    assert.equal(older.notResumable, false, 'an earlier ticket is another SSL_SESSION object, untouched');
    assert.equal(first.ctx.sessions.peek(KEY), older);
  });

  test('a connection whose handshake did not finish leaves its offered session alone', async () => {
    const store = new ServerStore();
    const first = await cachedPair({ version: 0x0303, store });
    handshakeAndReadTickets(first);
    first.conn.shutdown();
    first.conn.free();
    const s = first.sessions[0]!;
    const second = await connectPair({ version: 0x0303, store }, {}, { session: s });
    assert.equal(second.conn.connect(), -1); // ClientHello out, nothing back yet
    assert.equal(second.conn.getError(-1), SslError.WANT_READ);
    second.conn.free();
    assert.equal(s.notResumable, false, 'SSL_in_init: ssl_clear_bad_session does nothing');
  });

  test('TLS 1.2 resumed connection freed without shutdown: the resumed (offered) session is marked', async () => {
    const store = new ServerStore();
    const first = await cachedPair({ version: 0x0303, store });
    handshakeAndReadTickets(first);
    first.conn.shutdown();
    first.conn.free();
    const s = first.sessions[0]!;
    const second = await cachedPair({ version: 0x0303, store }, s);
    second.ctx.sessions.add(KEY, s);
    handshake(second);
    assert.equal(second.conn.handshake.info.resumed, true);
    assert.equal(second.conn.session, s, 'after a resumption SSL_get_session is the resumed session');
    second.conn.free();
    assert.equal(s.notResumable, true);
    assert.equal(second.ctx.sessions.has(s), false);
  });

  // OpenSSL (statem_clnt.c tls_process_server_hello): when the server does not resume, the client
  // replaces s->session with a new SSL_SESSION, so the bad-session rule and fatal alerts of that
  // connection apply to the new session, never to the one that was offered and declined.
  test("TLS 1.3: an offered PSK the server declined is not the connection's session: free() without shutdown leaves it resumable", async () => {
    const store = new ServerStore();
    const first = await cachedPair({ tickets: 1, store });
    handshakeAndReadTickets(first);
    first.conn.shutdown();
    first.conn.free();
    const s = first.sessions[0]!;
    // Another server (its own store): it declines the PSK and does a full handshake, no ticket.
    const other = await connectPair({ tickets: 0 }, {}, { session: s });
    handshake(other);
    assert.equal(offeredPsk(other), true);
    assert.equal(other.conn.handshake.info.resumed, false);
    other.conn.free();
    assert.equal(
      s.notResumable,
      false,
      "the declined session must stay resumable (it was never this connection's session)",
    );
  });

  test('TLS 1.3: an offered PSK the server declined is not marked by a fatal alert received after the full handshake', async () => {
    const store = new ServerStore();
    const first = await cachedPair({ tickets: 1, store });
    handshakeAndReadTickets(first);
    first.conn.shutdown();
    first.conn.free();
    const s = first.sessions[0]!;
    const other = await connectPair({ tickets: 0 }, {}, { session: s });
    handshake(other);
    assert.equal(offeredPsk(other), true);
    assert.equal(other.conn.handshake.info.resumed, false);
    other.server.sendAlert(AlertLevel.fatal, AlertDescription.internal_error);
    const r = readOnce(other);
    assert.equal(r.error, SslError.SSL);
    assert.equal(s.notResumable, false, "the fatal alert concerns the connection's new session, not the declined one");
  });

  test('TLS 1.2: a session ID the server declined is not marked by a fatal alert of the full handshake that followed', async () => {
    const store = new ServerStore();
    const first = await cachedPair({ version: 0x0303, store });
    handshakeAndReadTickets(first);
    first.conn.shutdown();
    first.conn.free();
    const s = first.sessions[0]!;
    const other = await connectPair({ version: 0x0303 }, {}, { session: s }); // its own cache: declines
    handshake(other);
    assert.equal(other.conn.handshake.info.resumed, false);
    other.server.sendAlert(AlertLevel.fatal, AlertDescription.internal_error);
    const r = readOnce(other);
    assert.equal(r.error, SslError.SSL);
    assert.equal(s.notResumable, false, 'the fatal alert removes the new session, not the declined one');
  });
});

describe('bad-session rule: fatal alerts', () => {
  test('TLS 1.3: a fatal alert received after the handshake removes the session', async () => {
    const first = await cachedPair({ tickets: 1 });
    handshakeAndReadTickets(first);
    const s = first.sessions[0]!;
    first.server.sendAlert(AlertLevel.fatal, AlertDescription.internal_error);
    const r = readOnce(first);
    assert.equal(r.ret, -1);
    assert.equal(r.error, SslError.SSL);
    assertClientAlert(first, AlertDescription.internal_error, true);
    assert.equal(s.notResumable, true);
    assert.equal(first.ctx.sessions.has(s), false);
    assert.equal(first.ctx.sessions.peek(KEY), undefined);
  });

  test('TLS 1.2: a fatal alert sent by the client (garbage record) removes the session', async () => {
    const first = await cachedPair({ version: 0x0303 });
    handshakeAndReadTickets(first);
    const s = first.sessions[0]!;
    first.server.sendRaw(Uint8Array.of(99, 3, 3, 0, 1, 0)); // record type 99
    const r = readOnce(first);
    assert.equal(r.error, SslError.SSL);
    first.server.pump(); // take the client's alert
    assert.ok(
      first.server.alertsReceived.some((a) => a.level === AlertLevel.fatal),
      'the client sent a fatal alert',
    );
    assert.equal(s.notResumable, true);
    assert.equal(first.ctx.sessions.has(s), false);
  });

  test('a warning alert (user_canceled) does not remove the session', async () => {
    const first = await cachedPair({ tickets: 1 });
    handshakeAndReadTickets(first);
    const s = first.sessions[0]!;
    first.server.sendAlert(AlertLevel.warning, AlertDescription.user_canceled);
    const r = readOnce(first);
    assert.equal(r.error, SslError.WANT_READ, describeFailure(first, r.ret));
    assert.equal(s.notResumable, false);
    assert.equal(first.ctx.sessions.peek(KEY), s);
  });
});

// --- EMS consistency (§5.3) ----------------------------------------------------------------------

/** A handshake mutation hook that removes the extended_master_secret extension from the ServerHello. */
function dropEmsFromServerHello(kind: string, type: number, bytes: Uint8Array): Uint8Array {
  if (kind !== 'handshake' || type !== HandshakeType.server_hello) return bytes;
  const sh = decodeServerHello(bytes.subarray(4));
  const extensions = sh.extensions.filter((e) => e.type !== ExtensionType.extended_master_secret);
  return frameHandshake(HandshakeType.server_hello, encodeServerHello({ ...sh, extensions }));
}

describe('extended master secret consistency on TLS 1.2 resumption', () => {
  for (const kind of ['session ID', 'RFC 5077 ticket'] as const) {
    const server: Partial<TestServerOptions> =
      kind === 'session ID' ? { version: 0x0303 } : { version: 0x0303, ticket12: true, sessionCache: false };

    test(`${kind}: session with the EMS flag, resuming ServerHello without EMS → handshake_failure "inconsistent extms"`, async () => {
      const store = new ServerStore();
      const first = await cachedPair({ ...server, store });
      handshakeAndReadTickets(first);
      first.conn.shutdown();
      first.conn.free();
      const s = first.sessions[0]!;
      assert.equal(s.flags & SESSION_FLAG_EXTMS, SESSION_FLAG_EXTMS, 'the full handshake negotiated EMS');

      // The server resumes (its cached session has EMS) but its ServerHello loses the extension on
      // the way; the server's transcript takes the mutated message, so only the client can object.
      const second = await cachedPair({ ...server, store, mutate: dropEmsFromServerHello }, s);
      second.ctx.sessions.add(KEY, s);
      assert.throws(() => handshake(second), /handshake failed/);
      assertClientAlert(second, AlertDescription.handshake_failure, false, /inconsistent extms/);
      second.server.pump(); // take the client's alert
      assert.deepEqual(second.server.alertsReceived.at(-1), {
        level: AlertLevel.fatal,
        description: AlertDescription.handshake_failure,
      });
      assert.equal(second.server.facts.resumed, true, 'the server did resume');
      assert.equal(second.server.facts.connected, false);
      // The fatal alert removes the session being resumed (§5.2).
      assert.equal(s.notResumable, true);
      assert.equal(second.ctx.sessions.has(s), false);
    });

    test(`${kind}: session without the EMS flag, resuming ServerHello with EMS → handshake_failure "inconsistent extms"`, async () => {
      const store = new ServerStore();
      const first = await cachedPair({ ...server, store });
      handshakeAndReadTickets(first);
      first.conn.shutdown();
      first.conn.free();
      const s: Session = { ...first.sessions[0]!, flags: first.sessions[0]!.flags & ~SESSION_FLAG_EXTMS };
      const second = await connectPair({ ...server, store }, {}, { session: s });
      assert.throws(() => handshake(second), /handshake failed/);
      assertClientAlert(second, AlertDescription.handshake_failure, false, /inconsistent extms/);
      assert.equal(second.server.facts.resumed, true);
      assert.equal(second.server.facts.extendedMasterSecret, true);
      assert.equal(second.server.facts.connected, false);
    });
  }

  test('control: matching EMS state resumes', async () => {
    const store = new ServerStore();
    const first = await cachedPair({ version: 0x0303, store });
    handshakeAndReadTickets(first);
    first.conn.shutdown();
    const second = await connectPair({ version: 0x0303, store }, {}, { session: first.sessions[0]! });
    handshake(second);
    assert.equal(second.conn.handshake.info.resumed, true);
    assert.equal(second.conn.handshake.info.extendedMasterSecret, true);
  });
});

// --- TLS 1.3 ticket age and binder (§5.4) ----------------------------------------------------

/** A TLS 1.3 ticket obtained at T0 (fixed clock), and its store; the connection closed cleanly. */
async function ticketAt(server: Partial<TestServerOptions> = {}, at = T0): Promise<{ s: Session; store: ServerStore }> {
  const store = new ServerStore();
  const first = await connectPair({ tickets: 1, store, ...server }, { now: () => at });
  handshakeAndReadTickets(first);
  first.conn.shutdown();
  first.conn.free();
  const s = first.sessions[0]!;
  assert.equal(s.time, at / 1000);
  return { s, store };
}

/** Resumes `s` with the client's clock at `nowMs`. */
async function resumeAt(
  s: Session,
  store: ServerStore,
  nowMs: number,
  server: Partial<TestServerOptions> = {},
): Promise<TestPair> {
  const pair = await connectPair({ store, ...server }, { now: () => nowMs }, { session: s });
  handshake(pair);
  return pair;
}

describe('TLS 1.3 ticket age in the ClientHello', () => {
  // RFC 8446 §4.2.11.1: the age in ms since the ticket was received, on the clock the core is given.
  for (const elapsedMs of [0, 999, 1_000, 2_500, 10_999, 3_600_000] as const) {
    test(`${elapsedMs} ms after receipt: age ${elapsedMs} ms, as the server de-obfuscates it`, async () => {
      const { s, store } = await ticketAt();
      const pair = await resumeAt(s, store, T0 + elapsedMs);
      assert.equal(pair.server.facts.resumed, true, describeFailure(pair, -1));
      assert.equal(pair.server.facts.psk?.ticketAgeMs, elapsedMs);
      const psk = clientPsk(pair.server.clientHellos[0]!)!;
      assert.equal(psk.identities.length, 1);
      assert.equal(toHex(psk.identities[0]!.identity), toHex(s.ticket!));
      assert.equal(psk.identities[0]!.obfuscatedAge, (elapsedMs + s.tickAgeAdd) % 2 ** 32);
      assert.deepEqual(ticketAge(s, T0 + elapsedMs), {
        ageMs: elapsedMs,
        obfuscated: (elapsedMs + s.tickAgeAdd) % 2 ** 32,
      });
    });
  }

  test('obfuscated_ticket_age wraps modulo 2^32 (ticket_age_add near 2^32)', async () => {
    const { s, store } = await ticketAt();
    const entry = store.psks.get(ServerStore.key(s.ticket!))!;
    entry.ageAdd = 0xffff_fc00; // the server issued this age_add ...
    const s2: Session = { ...s, tickAgeAdd: 0xffff_fc00 }; // ... and the client stored it
    const pair = await resumeAt(s2, store, T0 + 5_000);
    const psk = clientPsk(pair.server.clientHellos[0]!)!;
    assert.equal(psk.identities[0]!.obfuscatedAge, 5000 + 0xffff_fc00 - 2 ** 32);
    assert.equal(psk.identities[0]!.obfuscatedAge, 3_976); // 5000 − 1024
    assert.equal(pair.server.facts.psk?.ticketAgeMs, 5000);
    assert.equal(pair.server.facts.resumed, true);
  });

  test('a ticket just under its lifetime is offered and resumes', async () => {
    const { s, store } = await ticketAt({ ticketLifetime: 5 });
    assert.equal(s.tickLifetimeHint, 5);
    const pair = await resumeAt(s, store, T0 + 4_999);
    assert.equal(offeredPsk(pair), true);
    assert.equal(pair.server.facts.resumed, true);
    assert.equal(pair.server.facts.psk?.ticketAgeMs, 4_999);
  });

  test('a ticket as old as its lifetime is not offered: full handshake (RFC 8446 §4.6.1)', async () => {
    const { s, store } = await ticketAt({ ticketLifetime: 5 });
    const pair = await resumeAt(s, store, T0 + 5_000);
    assert.equal(offeredPsk(pair), false, 'no pre_shared_key extension');
    assert.equal(pair.server.facts.resumed, false);
    assert.equal(pair.conn.handshake.info.resumed, false);
    assert.equal(pair.conn.handshake.info.handshake, 'full');
    assert.equal(ticketAge(s, T0 + 5_000), undefined);
  });

  test('a lifetime of 0 means discard at once: never offered', async () => {
    const { s, store } = await ticketAt({ ticketLifetime: 0 });
    const pair = await resumeAt(s, store, T0);
    assert.equal(offeredPsk(pair), false);
    assert.equal(pair.server.facts.resumed, false);
  });

  test('a client clock behind the ticket time skips the ticket', async () => {
    // Ten minutes ahead, so that the clock 5 s behind the ticket is still after the test PKI's
    // notBefore (a PKI made in the last 5 s made the full handshake fail verification).
    const { s, store } = await ticketAt({}, T0 + 600_000);
    const pair = await resumeAt(s, store, T0 + 595_000);
    assert.equal(offeredPsk(pair), false);
    assert.equal(pair.server.facts.resumed, false);
  });
});

describe('TLS 1.3 PSK binder', () => {
  for (const [suite, hash] of [
    [0x1301, 'sha256'],
    [0x1302, 'sha384'],
  ] as const) {
    test(`suite 0x${suite.toString(16)}: the binder in our ClientHello is RFC 8446's and verifies on the server`, async () => {
      const { s, store } = await ticketAt({ suite });
      const pair = await resumeAt(s, store, T0 + 3_000, { suite });
      const ch = pair.server.clientHellos[0]!;
      const psk = clientPsk(ch)!;
      assert.equal(ch.extensions.at(-1)!.type, ExtensionType.pre_shared_key, 'pre_shared_key is last');
      assert.equal(psk.binders.length, 1);
      assert.equal(psk.binders[0]!.length, hash === 'sha256' ? 32 : 48);
      const truncated = ch.raw.subarray(0, ch.raw.length - psk.bindersLength);
      assert.equal(toHex(psk.binders[0]!), expectedBinder(hash, s.masterKey, truncated).toString('hex'));
      assert.equal(pair.server.facts.resumed, true, 'the server verified the binder');
      assert.equal(pair.conn.handshake.info.resumed, true);
    });
  }

  test('the binder changes with the PSK: a session with a flipped PSK byte is refused (decrypt_error)', async () => {
    const { s, store } = await ticketAt();
    const forged: Session = { ...s, masterKey: s.masterKey.map((b, i) => (i === 0 ? b ^ 0x80 : b)) };
    const pair = await connectPair({ store }, { now: () => T0 + 3_000 }, { session: forged });
    assert.throws(() => handshake(pair), /handshake failed/);
    const psk = clientPsk(pair.server.clientHellos[0]!)!;
    const truncated = pair.server.clientHellos[0]!.raw.subarray(
      0,
      pair.server.clientHellos[0]!.raw.length - psk.bindersLength,
    );
    assert.equal(toHex(psk.binders[0]!), expectedBinder('sha256', forged.masterKey, truncated).toString('hex'));
    assertClientAlert(pair, AlertDescription.decrypt_error, true);
  });
});
