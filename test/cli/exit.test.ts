/**
 * The one exit-code mapper (src/cli/exit.ts): codes and one-line messages for every failure class.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { SyscallError, TlsAlert, VerifyError } from '../../src/tls/errors.js';
import { UsageError } from '../../src/cli/errors.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import {
  classifyError,
  errorLine,
  ExitCode,
  noSessionLine,
  PeerClosedError,
  reportError,
  resumeNotMetLine,
  TimeoutError,
  warningLine,
} from '../../src/cli/exit.js';
import { InfoRequest } from '../../src/cli/options.js';

/** Captures what reportError writes. */
function capture(err: unknown, env: NodeJS.ProcessEnv = {}, ctx = {}): { code: number; out: string; err: string } {
  const io = { out: '', err: '' };
  const code = reportError(
    err,
    { stdout: { write: (s: string) => (io.out += s) }, stderr: { write: (s: string) => (io.err += s) } },
    ctx,
    env,
  );
  return { code, ...io };
}

describe('exit codes and messages', () => {
  it('UsageError -> 2 with its message', () => {
    assert.deepEqual(capture(new UsageError("unknown option '--foo' (see tls-probe --help)")), {
      code: 2,
      out: '',
      err: "tls-probe: unknown option '--foo' (see tls-probe --help)\n",
    });
  });
  it('VerifyError -> 3 naming the X509_V_ERR code', () => {
    const c = classifyError(new VerifyError(18, 'self-signed certificate'));
    assert.deepEqual([c.exitCode, c.kind, c.verifyCode], [3, 'verify', 18]);
    assert.equal(
      c.message,
      'certificate verification failed: self-signed certificate (X509_V_ERR 18); --insecure continues anyway',
    );
  });
  it('a received alert -> 1, naming the alert', () => {
    assert.equal(
      errorLine(new TlsAlert(AlertDescription.handshake_failure, '', true)),
      'tls-probe: handshake failed: received alert handshake_failure',
    );
    assert.equal(classifyError(new TlsAlert(AlertDescription.handshake_failure, '', true)).exitCode, 1);
  });
  it('a syscall failure -> 1 with errno number and name', () => {
    assert.equal(
      errorLine(new SyscallError('EPIPE', 32), { phase: 'write' }),
      'tls-probe: write failed: SYSCALL errno=32 EPIPE',
    );
    assert.equal(
      errorLine(new SyscallError('ECONNRESET', 0)),
      'tls-probe: connection failed: SYSCALL errno=104 ECONNRESET',
    );
  });
  it('a refused connection (a real one, to 127.0.0.1:1) -> 1', async () => {
    const err = await new Promise<unknown>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: 1 });
      s.once('error', resolve);
      s.once('connect', () => {
        s.destroy();
        resolve(null);
      });
    });
    assert.notEqual(err, null, 'something listens on 127.0.0.1:1');
    assert.deepEqual(capture(err), {
      code: 1,
      out: '',
      err: 'tls-probe: connect to 127.0.0.1:1 failed: ECONNREFUSED (connection refused)\n',
    });
  });
  it('a DNS failure -> 1', () => {
    const e = Object.assign(new Error('getaddrinfo ENOTFOUND nosuch.invalid'), {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname: 'nosuch.invalid',
    });
    assert.equal(errorLine(e), 'tls-probe: cannot resolve host nosuch.invalid: ENOTFOUND');
    assert.equal(classifyError(e).kind, 'dns');
  });
  it('timeouts and an early close -> 1', () => {
    assert.equal(
      errorLine(new TimeoutError('connect', 10000), { target: '10.255.255.1:443' }),
      'tls-probe: connect to 10.255.255.1:443 timed out after 10000 ms (--connect-timeout)',
    );
    assert.equal(errorLine(new TimeoutError('idle', 500)), 'tls-probe: no traffic for 500 ms (--timeout)');
    assert.deepEqual(
      [classifyError(new TimeoutError('handshake', 5)).exitCode, classifyError(new PeerClosedError()).exitCode],
      [1, 1],
    );
  });
  it('a missing close_notify after the handshake is a warning and exit 0; before it, exit 1', () => {
    class UnexpectedEof extends Error {
      override readonly name = 'UnexpectedEof';
      constructor(readonly afterHandshake: boolean) {
        super(afterHandshake ? 'peer closed without close_notify' : 'connection closed by peer during the handshake');
      }
    }
    assert.deepEqual(capture(new UnexpectedEof(true)), {
      code: 0,
      out: '',
      err: 'tls-probe: warning: peer closed without close_notify\n',
    });
    assert.deepEqual(capture(new UnexpectedEof(false)).code, 1);
  });
  it('an internal error -> 1 without a stack trace, unless TLS_PROBE_DEBUG=1', () => {
    const plain = capture(new TypeError('x is undefined'));
    assert.deepEqual(plain, { code: 1, out: '', err: 'tls-probe: internal error: x is undefined\n' });
    const debug = capture(new TypeError('x is undefined'), { TLS_PROBE_DEBUG: '1' });
    assert.match(debug.err, /^tls-probe: internal error: x is undefined\nTypeError: x is undefined\n\s+at /);
    assert.equal(capture('a string').err, 'tls-probe: internal error: a string\n');
  });
  it('--help / --version text goes to stdout with exit 0', () => {
    assert.deepEqual(capture(new InfoRequest('version', '0.1.0\n')), { code: 0, out: '0.1.0\n', err: '' });
  });
  it('codes 4 and 5 and their lines', () => {
    assert.deepEqual([ExitCode.RESUME_NOT_MET, ExitCode.NO_SESSION], [4, 5]);
    assert.equal(resumeNotMetLine(2, 5), 'tls-probe: --expect-resume: 2 of 5 resumption attempts accepted');
    assert.equal(
      noSessionLine('/tmp/s.pem', 1000, true),
      'tls-probe: no resumable session to write to --sess-out /tmp/s.pem: no NewSessionTicket arrived within --ticket-wait 1000 ms',
    );
    assert.equal(
      warningLine('peer closed without close_notify'),
      'tls-probe: warning: peer closed without close_notify',
    );
  });
});
