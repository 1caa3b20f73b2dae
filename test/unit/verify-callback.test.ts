/**
 * ContextOptions.verifyCallback and reverifyOnResume (OpenSSL's SSL_CTX_set_verify callback,
 * BoringSSL's SSL_CTX_set_cert_verify_callback and SSL_CTX_set_reverify_on_resume; BoGo's
 * -verify-fail, -verify-peer, -reverify-on-resume) against the in-memory TestServer, and the OCSP
 * response a session keeps for its resumptions (BoringSSL SSL_get0_ocsp_response).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { restoreSessionFacts, sessionFacts } from '../../src/tls/handshake/negotiated.js';
import { emptyInfo } from '../../src/tls/handshake/info.js';
import { createSession } from '../../src/tls/session/session.js';
import { SslError, type VerifyCallbackInput } from '../../src/tls/types.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import {
  ServerStore,
  connectPair,
  describeFailure,
  handshake,
  readOnce,
  type TestPair,
} from '../helpers/tls-server.js';

const APPLICATION_VERIFICATION = 50;

/** Drives the handshake to its end: 1, or the error class. */
function run(pair: TestPair): number | SslError {
  for (let i = 0; i < 50; i++) {
    const r = pair.conn.connect();
    pair.server.pump();
    if (r === 1) return 1;
    const e = pair.conn.getError(r);
    if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) return e;
  }
  throw new Error(`no end: ${describeFailure(pair, -1)}`);
}

describe('verify callback', () => {
  for (const version of [0x0303, 0x0304] as const) {
    test(`${version.toString(16)}: the callback's code replaces the built-in one; fatal only under verifyPeer`, async () => {
      const seen: VerifyCallbackInput[] = [];
      const fail = (v: VerifyCallbackInput): number => (seen.push(v), APPLICATION_VERIFICATION);
      // verifyPeer off: the handshake completes and reports the callback's verdict.
      const soft = await connectPair({ version }, { verifyPeer: false, verifyCallback: fail });
      assert.equal(run(soft), 1, describeFailure(soft, -1));
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.code, 0, 'the built-in verification passed (the test root is trusted)');
      assert.equal(seen[0]?.chain.length, soft.conn.handshake.info.peerCertificates.length);
      assert.equal(soft.conn.handshake.info.verify.code, APPLICATION_VERIFICATION);
      assert.equal(soft.conn.handshake.info.verify.ok, false);
      // verifyPeer on: the same verdict aborts the handshake.
      const hard = await connectPair({ version }, { verifyCallback: fail });
      assert.equal(run(hard), SslError.SSL);
      assert.match(hard.conn.failure?.message ?? '', /application verification failure/);
      // A callback that accepts overrides a failed built-in verification (no trust anchors).
      const accept = await connectPair({ version }, { trustAnchors: [], verifyCallback: (v) => (seen.push(v), 0) });
      assert.equal(run(accept), 1, describeFailure(accept, -1));
      assert.notEqual(seen.at(-1)?.code, 0, 'the built-in verdict the callback overrode');
      assert.equal(accept.conn.handshake.info.verify.ok, true);
    });

    test(`${version.toString(16)}: a callback that throws a TlsAlert aborts with it even without verifyPeer`, async () => {
      const pair = await connectPair(
        { version },
        {
          verifyPeer: false,
          verifyCallback: () => {
            throw new TlsAlert(AlertDescription.bad_certificate_status_response, 'OCSP status refused');
          },
        },
      );
      assert.equal(run(pair), SslError.SSL);
      const f = pair.conn.failure;
      assert.ok(f instanceof TlsAlert, describeFailure(pair, -1));
      assert.equal(f.description, AlertDescription.bad_certificate_status_response);
      assert.equal(f.received, false);
    });

    test(`${version.toString(16)}: a resumption asks the callback again only with reverifyOnResume`, async () => {
      const store = new ServerStore();
      let calls = 0;
      let verdict = 0;
      const callback = (v: VerifyCallbackInput): number => {
        calls++;
        assert.equal(v.resumed, calls > 1);
        return verdict;
      };
      const first = await connectPair({ version, store, tickets: 1 }, { verifyCallback: callback });
      handshake(first);
      if (version === 0x0304) assert.equal(readOnce(first).error, SslError.WANT_READ);
      const s = first.sessions.at(-1);
      assert.ok(s);
      verdict = APPLICATION_VERIFICATION;
      const plain = await connectPair({ version, store }, { verifyCallback: callback }, { session: s });
      assert.equal(run(plain), 1, describeFailure(plain, -1));
      assert.equal(plain.conn.handshake.info.resumed, true);
      assert.equal(calls, 1, 'no callback on a resumption by default');
      const again = await connectPair(
        { version, store },
        { verifyCallback: callback, reverifyOnResume: true },
        { session: s },
      );
      assert.equal(run(again), SslError.SSL, 'the callback refused the resumed session');
      assert.equal(calls, 2);
    });
  }
});

test('a session keeps the stapled OCSP response and a resumption reports it', () => {
  const info = emptyInfo('localhost', 16384);
  info.ocspResponse = Uint8Array.of(1, 2, 3);
  const facts = sessionFacts(info, 1000);
  const s = createSession({ version: 0x0303, cipherSuite: 0xc02f, masterKey: new Uint8Array(48), ...facts });
  assert.deepEqual(s.ocspResponse, Uint8Array.of(1, 2, 3));
  const resumed = emptyInfo('localhost', 16384);
  restoreSessionFacts(resumed, s, true);
  assert.deepEqual(resumed.ocspResponse, Uint8Array.of(1, 2, 3));
});
