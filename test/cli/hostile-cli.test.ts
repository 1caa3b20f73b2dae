/**
 * Hostile servers through the real CLI (bin/tls-probe.js under this Node): a representative subset
 * of the in-memory catalogue (test/helpers/hostile-server.ts) served over TCP by the bridged
 * TestServer, plus byte-level scripts (stalls, garbage, endless streams). Each run must end with
 * exit 1 (3 for a verification failure, 2 for a bad --sess-in file), exactly one stderr line
 * "tls-probe: ..." naming the alert, error.alert in --json, the alert on the server's side, and
 * never outlive --connect-timeout / --timeout (2000 ms here): the kill timer of each run is the
 * bound, not a timing assertion.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Socket } from 'node:net';
import { alertName } from '../../src/tls/codec/alerts.js';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { probe, jsonOf, type CliResult, connectionOf, errorOf } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { ServerStore, testCredentials, type TestCredentials } from '../helpers/tls-server.js';
import {
  hostileCase,
  recordHeader,
  removeExt,
  editServerHello,
  serverSeal,
  startHostileServer,
  type CaseSetup,
  type HostileListener,
  type HostileScript,
} from '../helpers/hostile-server.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';

const LIMIT_MS = 2000;
/** Kill timer of every run: the limit plus generous start-up slack (a bound, not a measurement). */
const KILL_MS = LIMIT_MS + 8000;
/** A regex that never matches: keeps the CLI's stdin open (interactive session) until it exits by itself. */
const NEVER = /(?!)/;

let pki: Pki;
let creds: TestCredentials;
before(async () => {
  pki = await ensurePki();
  creds = await testCredentials();
});

function baseArgs(port: number): string[] {
  return [
    `127.0.0.1:${port}`,
    '--servername',
    'localhost',
    '--cafile',
    pki.root,
    '--connect-timeout',
    String(LIMIT_MS),
    '--timeout',
    String(LIMIT_MS),
  ];
}

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (killed)' : ''}\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr}`;
}

/**
 * Exactly one stderr line, "tls-probe: ..."; returns it. s_client's interactive trace lines
 * ("read R BLOCK" after each post-handshake message such as a KeyUpdate) are not failure lines.
 */
function oneErrorLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '' && l !== 'read R BLOCK');
  assert.equal(lines.length, 1, `expected one stderr line: ${show(r)}`);
  assert.match(lines[0]!, /^tls-probe: /, show(r));
  return lines[0]!;
}

interface Served {
  r: CliResult;
  listener: HostileListener;
  /** Alert names the server received on each connection. */
  serverAlerts: string[][];
  bugs: string[];
}

/** Runs the CLI against a hostile listener; closes the listener afterwards. */
async function serve(
  script: HostileScript & { bind?: (l: HostileListener) => void },
  args: (port: number) => string[],
  opts: { interactive?: boolean } = {},
): Promise<Served> {
  const listener = await startHostileServer(script);
  script.bind?.(listener);
  try {
    const r = await probe(null, args(listener.port), {
      timeoutMs: KILL_MS,
      ...(opts.interactive ? { waitFor: NEVER } : {}),
    });
    // The server side has read everything once its socket closed (bounded wait).
    await Promise.race([
      Promise.all(listener.connections.map((c) => c.closed)),
      new Promise((res) => setTimeout(res, 3000)),
    ]);
    return {
      r,
      listener,
      serverAlerts: listener.connections.map(
        (c) => c.server?.alertsReceived.map((a) => alertName(a.description)) ?? [],
      ),
      bugs: listener.connections.filter((c) => c.bug).map((c) => String(c.bug?.stack)),
    };
  } finally {
    await listener.close();
  }
}

/** The catalogue case `id` behind a TCP listener (serve() binds the listener). */
function caseScript(id: string): HostileScript & { bind: (l: HostileListener) => void } {
  const c = hostileCase(id);
  const holder: { l?: HostileListener } = {};
  return {
    setup: (index) => c.setup({ server: () => holder.l!.connections[index]!.server!, creds }),
    bind: (l) => (holder.l = l),
  };
}

/** Runs catalogue case `id` in --json mode and checks exit 1, the one line, error.alert and the server's view. */
async function expectAlert(
  id: string,
  alert: string,
  phase: 'handshake' | 'read',
  extra: string[] = [],
): Promise<void> {
  const c = hostileCase(id);
  const listenerRef: { l?: HostileListener } = {};
  const script: HostileScript = {
    setup: (index) => c.setup({ server: () => listenerRef.l!.connections[index]!.server!, creds }),
  };
  const listener = await startHostileServer(script);
  listenerRef.l = listener;
  try {
    const r = await probe(null, [...baseArgs(listener.port), '--json', ...extra], {
      timeoutMs: KILL_MS,
      ...(phase === 'read' ? { waitFor: NEVER } : {}),
    });
    await Promise.race([
      Promise.all(listener.connections.map((x) => x.closed)),
      new Promise((res) => setTimeout(res, 3000)),
    ]);
    assert.equal(r.timedOut, false, `not finished within ${KILL_MS} ms: ${show(r)}`);
    assert.equal(r.code, 1, show(r));
    const line = oneErrorLine(r);
    assert.ok(line.startsWith(`tls-probe: ${phase} failed: `), `phase ${phase}: ${line}`);
    assert.ok(line.includes(`sent alert ${alert}`), `alert ${alert} not named: ${line}`);
    const j = jsonOf(r);
    assert.equal(j.exitCode, 1);
    assert.equal(errorOf(j).kind, 'alert');
    assert.equal(errorOf(j).alert, alert, show(r));
    const server = listener.connections[0]?.server;
    assert.ok(server, 'no connection reached the hostile server');
    assert.deepEqual(
      listener.connections.filter((x) => x.bug).map((x) => x.bug!.message),
      [],
      'hostile server bug',
    );
    assert.ok(
      server.alertsReceived.map((a) => alertName(a.description)).includes(alert),
      `server received ${JSON.stringify(server.alertsReceived)}`,
    );
    if (id === 'post-keyupdate-flood') {
      // Bounded: 32 KeyUpdates are processed (one "read R BLOCK" each), the 33rd is refused.
      assert.equal(r.stderr.split('\n').filter((l) => l === 'read R BLOCK').length, 32, r.stderr);
    }
  } finally {
    await listener.close();
  }
}

describe('hostile servers through the CLI: handshake', () => {
  const cases: [string, string][] = [
    ['sh-suite-not-offered', 'illegal_parameter'],
    ['sh-version-not-offered', 'illegal_parameter'],
    ['sh-session-id-echo', 'illegal_parameter'],
    ['ext-duplicate-sh', 'illegal_parameter'],
    ['ext-not-allowed-sh', 'illegal_parameter'],
    ['hrr-second', 'unexpected_message'],
    ['hrr-no-change', 'illegal_parameter'],
    ['ks-x25519-zero', 'illegal_parameter'],
    ['ks-mlkem-short', 'illegal_parameter'],
    ['order-finished-first', 'unexpected_message'],
    ['record-split-key-change-sh', 'unexpected_message'],
    ['record-ccs-flood-handshake', 'unexpected_message'],
    ['record-initial-plaintext-overflow', 'record_overflow'],
    ['auth-bad-cv', 'decrypt_error'],
    ['auth-bad-finished', 'decrypt_error'],
    ['auth-1mb-certificate', 'illegal_parameter'],
    ['auth-12-bad-ske-signature', 'decrypt_error'],
    ['ks-12-p256-off-curve', 'illegal_parameter'],
    ['reneg-12-initial-no-ri', 'handshake_failure'],
  ];
  for (const [id, alert] of cases) {
    // The catalogue's client options as the flags that set them.
    const extra = id === 'reneg-12-initial-no-ri' ? ['--no-legacy-server-connect'] : [];
    test(`${hostileCase(id).title}: exit 1, one line naming ${alert}, JSON error.alert`, { timeout: 30_000 }, () =>
      expectAlert(id, alert, 'handshake', extra),
    );
  }
});

describe('hostile servers through the CLI: after the handshake (interactive session)', () => {
  const cases: [string, string][] = [
    ['record-13-ciphertext-overflow', 'record_overflow'],
    ['record-13-plaintext-overflow', 'record_overflow'],
    ['record-12-ciphertext-overflow', 'record_overflow'],
    ['record-unknown-type-after-handshake', 'unexpected_message'],
    ['record-empty-flood-13', 'unexpected_message'],
    ['post-keyupdate-flood', 'unexpected_message'],
    ['post-warning-alert-flood', 'unexpected_message'],
    ['record-padding-only', 'unexpected_message'],
    ['post-keyupdate-bad-value', 'illegal_parameter'],
    ['post-certificate-request', 'unexpected_message'],
    ['reneg-12-no-ri', 'handshake_failure'],
    ['reneg-12-legacy-hello-request', 'no_renegotiation'],
    ['reneg-12-never', 'no_renegotiation'],
    ['reneg-12-upgrade', 'handshake_failure'],
  ];
  // The catalogue's client options as the flags that set them.
  const flags: Record<string, string[]> = {
    'reneg-12-never': ['--no-renegotiation'],
    'reneg-12-upgrade': ['--legacy-renegotiation'],
  };
  for (const [id, alert] of cases) {
    test(`${hostileCase(id).title}: exit 1, one line naming ${alert}, JSON error.alert`, { timeout: 30_000 }, () =>
      expectAlert(id, alert, 'read', flags[id] ?? []),
    );
  }
});

describe('hostile servers through the CLI: special cases', () => {
  test('report mode: the same single stderr line (no stack, no second line), exit 1', { timeout: 30_000 }, async () => {
    const s = await serve(caseScript('auth-bad-cv'), (port) => baseArgs(port));
    assert.equal(s.r.code, 1, show(s.r));
    const line = oneErrorLine(s.r);
    assert.equal(line, 'tls-probe: handshake failed: bad signature (sent alert decrypt_error)');
    assert.match(s.r.stdout, /^CONNECTED\(/);
  });

  test(
    'a chain of 100 copies of the leaf: verification failure (exit 3), unknown_ca sent, bounded',
    { timeout: 30_000 },
    async () => {
      const s = await serve(caseScript('auth-100-leaf-copies'), (port) => [...baseArgs(port), '--json']);
      assert.equal(s.r.timedOut, false, show(s.r));
      assert.equal(s.r.code, 3, show(s.r));
      const line = oneErrorLine(s.r);
      assert.match(line, /certificate verification failed: unable to get local issuer certificate \(X509_V_ERR 20\)/);
      const j = jsonOf(s.r);
      assert.equal(errorOf(j).kind, 'verify');
      assert.equal(j.exitCode, 3);
      assert.deepEqual(s.serverAlerts[0], ['unknown_ca']);
    },
  );

  test(
    'TLS 1.2 resumption (--reconnect 1) where the server drops EMS: handshake_failure on the second connection',
    { timeout: 30_000 },
    async () => {
      const store = new ServerStore();
      const script: HostileScript = {
        setup: (index): CaseSetup => ({
          server: {
            version: 0x0303,
            store,
            ...(index === 1
              ? {
                  mutate: (kind, t, b) =>
                    kind === 'handshake' && t === HandshakeType.server_hello
                      ? editServerHello(b, (sh) => removeExt(sh.extensions, ExtensionType.extended_master_secret))
                      : b,
                }
              : {}),
          },
        }),
      };
      const s = await serve(script, (port) => [...baseArgs(port), '--json', '--reconnect', '1']);
      assert.equal(s.r.timedOut, false, show(s.r));
      assert.equal(s.r.code, 1, show(s.r));
      assert.match(
        oneErrorLine(s.r),
        /^tls-probe: handshake failed: inconsistent extms \(sent alert handshake_failure\)$/,
      );
      const j = jsonOf(s.r);
      assert.equal(errorOf(j).alert, 'handshake_failure');
      // The first connection completed a full handshake; the second (resuming) one failed.
      assert.equal(connectionOf(j).handshake, 'full', show(s.r));
      assert.equal(connectionOf(j).extendedMasterSecret, true);
      assert.equal(s.listener.connections.length, 2);
      assert.deepEqual(s.serverAlerts[1], ['handshake_failure']);
      assert.equal(s.listener.connections[1]!.server!.facts.resumed, true, 'the server did resume');
    },
  );

  test(
    '--sess-in whose PEM body is not base64: exit 2, the file named, nothing sent',
    { timeout: 30_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tls-probe-hostile-'));
      const file = join(dir, 'bad.pem');
      writeFileSync(
        file,
        '-----BEGIN SSL SESSION PARAMETERS-----\nMIIC+gIB!!!not*base64\n-----END SSL SESSION PARAMETERS-----\n',
      );
      const s = await serve({ raw: (sock) => sock.destroy() }, (port) => [...baseArgs(port), '--sess-in', file]);
      assert.equal(s.r.code, 2, show(s.r));
      const line = oneErrorLine(s.r);
      assert.ok(line.includes(`--sess-in ${file}`), line);
      assert.match(line, /invalid base64/);
      assert.equal(s.listener.connections.length, 0, 'nothing may be sent for a usage error');
    },
  );

  test(
    '--sess-in with base64 that is not a session (DER garbage): exit 2, the file named',
    { timeout: 30_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tls-probe-hostile-'));
      const file = join(dir, 'garbage.pem');
      writeFileSync(
        file,
        `-----BEGIN SSL SESSION PARAMETERS-----\n${Buffer.from('this is not DER at all, just text').toString('base64')}\n-----END SSL SESSION PARAMETERS-----\n`,
      );
      const s = await serve({ raw: (sock) => sock.destroy() }, (port) => [...baseArgs(port), '--sess-in', file]);
      assert.equal(s.r.code, 2, show(s.r));
      assert.ok(oneErrorLine(s.r).includes(`--sess-in ${file}: `));
      assert.equal(s.listener.connections.length, 0);
    },
  );

  test(
    'server stalls in the middle of its first record: --connect-timeout ends the handshake (exit 1, timeout message)',
    { timeout: 30_000 },
    async () => {
      const s = await serve(
        { raw: (sock) => sock.once('data', () => sock.write(Uint8Array.of(22, 3, 3, 0, 90, 2, 0))) },
        (port) => [...baseArgs(port), '--json'],
      );
      assert.equal(s.r.timedOut, false, show(s.r));
      assert.equal(s.r.code, 1, show(s.r));
      assert.equal(oneErrorLine(s.r), `tls-probe: handshake timed out for ${LIMIT_MS} ms (--connect-timeout)`);
      const j = jsonOf(s.r);
      assert.equal(errorOf(j).kind, 'timeout');
      assert.equal(errorOf(j).errno, 'ETIMEDOUT');
    },
  );

  test(
    'server stalls in the middle of a record after the handshake: --timeout ends the session (exit 1, timeout message)',
    { timeout: 30_000 },
    async () => {
      const script: HostileScript = {
        setup: () => ({
          afterHandshake: (srv) => srv.sendRaw(serverSeal(srv, 23, new Uint8Array(500)).subarray(0, 200)),
        }),
      };
      const s = await serve(script, (port) => [...baseArgs(port), '--json'], { interactive: true });
      assert.equal(s.r.timedOut, false, show(s.r));
      assert.equal(s.r.code, 1, show(s.r));
      assert.equal(oneErrorLine(s.r), `tls-probe: no traffic for ${LIMIT_MS} ms (--timeout)`);
      assert.equal(errorOf(s.r).kind, 'timeout');
    },
  );

  test(
    'server sends part of its ServerHello record and closes: exit 1, "peer closed the connection during the handshake"',
    { timeout: 30_000 },
    async () => {
      const s = await serve(
        { raw: (sock) => sock.once('data', () => sock.end(Uint8Array.of(22, 3, 3, 0, 90, 2, 0, 0, 86, 3, 3))) },
        (port) => [...baseArgs(port), '--json'],
      );
      assert.equal(s.r.code, 1, show(s.r));
      assert.equal(oneErrorLine(s.r), 'tls-probe: peer closed the connection during the handshake');
      assert.equal(errorOf(s.r).kind, 'closed');
    },
  );

  test(
    'an endless stream of garbage (a 65535-byte "record" header, then data forever): record_overflow at once, bounded',
    { timeout: 30_000 },
    async () => {
      const timers: NodeJS.Timeout[] = [];
      const flood = (sock: Socket): void => {
        sock.once('data', () => {
          sock.write(recordHeader(23, 0xffff));
          const chunk = new Uint8Array(64 * 1024).fill(0x41);
          const t = setInterval(() => {
            if (sock.destroyed || sock.writableEnded) return clearInterval(t);
            if (sock.writableLength < 1 << 20) sock.write(chunk);
          }, 1);
          timers.push(t);
          sock.once('close', () => clearInterval(t));
        });
      };
      try {
        const s = await serve({ raw: flood }, (port) => [...baseArgs(port), '--json']);
        assert.equal(s.r.timedOut, false, show(s.r));
        assert.equal(s.r.code, 1, show(s.r));
        assert.match(
          oneErrorLine(s.r),
          /^tls-probe: handshake failed: encrypted length too long \(sent alert record_overflow\)$/,
        );
        assert.equal(errorOf(s.r).alert, 'record_overflow');
      } finally {
        timers.forEach(clearInterval);
      }
    },
  );

  test('a server that answers in plain HTTP: exit 1, "wrong version number"', { timeout: 30_000 }, async () => {
    const s = await serve(
      { raw: (sock) => sock.once('data', () => sock.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')) },
      (port) => [...baseArgs(port), '--json'],
    );
    assert.equal(s.r.code, 1, show(s.r));
    assert.match(oneErrorLine(s.r), /wrong version number/);
    assert.equal(errorOf(s.r).alert, 'protocol_version');
  });
});
