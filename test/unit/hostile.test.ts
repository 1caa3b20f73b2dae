/**
 * Hostile servers, in memory: every malformed or malicious server message ends in the alert
 * RFC 8446 §6.2 / RFC 5246 §7.2 require (OpenSSL's choice where the RFC leaves it open), sent by
 * the client and received by the server, with a typed failure (never internal_error from an
 * untyped exception), within a bounded number of driving rounds. The cases themselves live in
 * test/helpers/hostile-server.ts (HOSTILE_CASES), shared with the CLI and heap tests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex } from '../../src/tls/codec/bytes.js';
import {
  HandshakeType,
  decodeServerHello,
  encodeCertificate,
  encodeServerHello,
  frameHandshake,
} from '../../src/tls/codec/handshake.js';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { UnexpectedEof } from '../../src/tls/errors.js';
import { connectPair, handshake, readExactly, readOnce, testCredentials } from '../helpers/tls-server.js';
import {
  HOSTILE_CASES,
  onHandshake,
  runCase,
  runHostile,
  sealInner,
  typedFailure,
  type HostileCase,
  type Outcome,
} from '../helpers/hostile-server.js';

function show(c: HostileCase, o: Outcome): string {
  return (
    `${c.id}: end=${o.end} sent=${JSON.stringify(o.sent)} serverReceived=${JSON.stringify(o.serverReceived)} ` +
    `rounds=${o.rounds} failure=${o.failure ? `${o.failure.name}: ${o.failure.message}` : 'none'}`
  );
}

const groups = new Map<string, HostileCase[]>();
for (const c of HOSTILE_CASES) {
  const g = c.id.split('-')[0]!;
  groups.set(g, [...(groups.get(g) ?? []), c]);
}
const GROUP_TITLES: Record<string, string> = {
  record: 'record layer',
  kx: 'TLS 1.0-1.2 DHE and RSA key exchange',
  order: 'message order',
  ext: 'extensions',
  sh: 'ServerHello fields',
  hrr: 'HelloRetryRequest',
  ks: 'key shares',
  auth: 'authentication',
  reneg: 'TLS 1.2 renegotiation',
  ems: 'TLS 1.2 extended master secret',
  post: 'post-handshake',
};

for (const [group, cases] of groups) {
  describe(`hostile server: ${GROUP_TITLES[group] ?? group}`, () => {
    for (const c of cases) {
      const expectText = c.expect === 'eof' ? 'unexpected EOF, no alert' : `sends ${c.expect}`;
      test(`${c.title} → ${expectText} (${c.ref})`, { timeout: 30_000 }, async () => {
        const { outcome } = await runCase(c);
        const why = show(c, outcome);
        // Never an untyped exception: guard() would have turned it into internal_error.
        assert.ok(!outcome.sent.includes('internal_error'), `internal_error sent: ${outcome.failure?.stack}`);
        assert.ok(
          outcome.failure === undefined || typedFailure(outcome.failure),
          `untyped failure: ${outcome.failure?.stack}`,
        );
        assert.ok(outcome.rounds < 2000, `still running after 2000 rounds: ${why}`);
        if (c.expect === 'eof') {
          assert.ok(outcome.failure instanceof UnexpectedEof, why);
          assert.deepEqual(outcome.sent, [], why);
          return;
        }
        assert.equal(outcome.end, 'failed', why);
        assert.deepEqual(outcome.sent, [c.expect], why);
        if (c.serverCannotRead) assert.deepEqual(outcome.serverReceived, [], why);
        else assert.ok(outcome.serverReceived.includes(c.expect!), `the server did not receive ${c.expect}: ${why}`);
      });
    }
  });
}

describe('legacy servers without renegotiation_info (RFC 5746 §4.1, issue 13): connected to, never renegotiated with', () => {
  const stripRi = (m: Uint8Array): Uint8Array => {
    const s = decodeServerHello(m.subarray(4));
    s.extensions = s.extensions.filter((e) => e.type !== ExtensionType.renegotiation_info);
    return frameHandshake(HandshakeType.server_hello, encodeServerHello(s));
  };
  const noRi = onHandshake(HandshakeType.server_hello, stripRi);

  test('the default connects, reports no secure renegotiation, and refuses a HelloRequest with no_renegotiation', async () => {
    const pair = await connectPair({ version: 0x0303, mutate: noRi });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.secureRenegotiation, false);
    pair.server.send(new TextEncoder().encode('before'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 6)), 'before');
    const o = runHostile(pair, (s) => s.helloRequest());
    assert.equal(o.end, 'failed');
    assert.deepEqual(o.sent, ['no_renegotiation']);
    assert.deepEqual(o.serverReceived, ['no_renegotiation']);
    assert.match(o.failure?.message ?? '', /does not support secure renegotiation \(RFC 5746\)/);
    // No second ClientHello went out: the renegotiation was refused.
    const hellos = pair.messages.filter((m) => m.direction === 'sent' && m.name === 'ClientHello');
    assert.equal(hellos.length, 1);
  });

  test("allowUnsafeLegacyRenegotiation (BoringSSL's behaviour): the renegotiation runs without renegotiation_info", async () => {
    let n = 0;
    const pair = await connectPair(
      {
        version: 0x0303,
        // Every ServerHello, the renegotiation's too, without renegotiation_info.
        mutate: (k, t, b) => (k === 'handshake' && t === HandshakeType.server_hello ? (n++, stripRi(b)) : b),
      },
      { allowUnsafeLegacyRenegotiation: true },
    );
    handshake(pair);
    pair.server.helloRequest();
    for (let i = 0; i < 20 && pair.server.facts.renegotiations === 0; i++) readOnce(pair);
    assert.equal(pair.server.facts.renegotiations, 1, pair.server.error?.message);
    pair.server.send(new TextEncoder().encode('after the renegotiation'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 23)), 'after the renegotiation');
    assert.equal(pair.conn.handshake.info.renegotiations, 1);
    assert.equal(pair.conn.handshake.info.secureRenegotiation, false);
    assert.equal(n, 2);
  });
});

describe('hostile server: bounds are bounds, not blanket refusals (controls)', () => {
  test('32 empty application-data records are tolerated, then data arrives', async () => {
    const pair = await connectPair();
    handshake(pair);
    for (let i = 0; i < 32; i++) pair.server.send(new Uint8Array(0));
    pair.server.send(Uint8Array.of(1, 2, 3));
    assert.equal(toHex(readExactly(pair, 3)), '010203');
    assert.equal(pair.conn.failure, undefined);
  });

  test('32 padded empty TLS 1.3 records are tolerated, the 33rd is not', async () => {
    const pair = await connectPair();
    handshake(pair);
    const padded = (): Uint8Array => {
      const inner = new Uint8Array(64);
      inner[0] = 23;
      return sealInner(pair.server, inner);
    };
    for (let i = 0; i < 32; i++) pair.server.sendRaw(padded());
    const o1 = runHostile(pair);
    assert.equal(o1.end, 'idle', JSON.stringify(o1.sent));
    // The counter only resets on a record with content; 33 in a row now.
    for (let i = 0; i < 33; i++) pair.server.sendRaw(padded());
    const o2 = runHostile(pair);
    assert.deepEqual(o2.sent, ['unexpected_message']);
  });

  test(
    'a chain of 100 certificates (leaf, intermediate, 98 more intermediates) is handled in bounded time',
    { timeout: 30_000 },
    async () => {
      const creds = await testCredentials();
      const chain = [creds.chain[0]!, ...Array.from({ length: 99 }, () => creds.chain[1]!)];
      const pair = await connectPair({
        mutate: onHandshake(HandshakeType.certificate, () =>
          frameHandshake(HandshakeType.certificate, encodeCertificate(chain, true)),
        ),
      });
      const o = runHostile(pair);
      // The extra copies are unused: the path leaf → intermediate → root verifies (as in OpenSSL).
      assert.equal(o.failure, undefined, o.failure?.message);
      assert.equal(pair.conn.handshake.done, true);
      assert.equal(pair.conn.handshake.info.peerCertificates.length, 100);
    },
  );
});
