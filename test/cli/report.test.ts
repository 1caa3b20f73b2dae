/**
 * Reports against golden s_client 3.0.19 transcripts, the --brief report, the colour rule, the
 * --json document's keys and types, and --io-trace lines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import type { CertInfo, ConnectionInfo } from '../../src/tls/types.js';
import { SslError } from '../../src/tls/types.js';
import { SyscallError, TlsAlert } from '../../src/tls/errors.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import {
  formatBrief,
  formatConnected,
  formatReport,
  formatTicketBlock,
  opensslTime,
  useColor,
} from '../../src/cli/report.js';
import { buildJson, formatJson } from '../../src/cli/json.js';
import { formatBlock, formatIoCall, formatSyscallLine } from '../../src/cli/iotrace.js';
import { parseArgs } from '../../src/cli/options.js';
import {
  CLIENT12_NEW,
  CLIENT13_NEW,
  CLIENT13_RESUME,
  RECONNECT12_SUMMARY,
  TICKET_BLOCK_13,
} from './golden-s_client.js';

const lines = (s: string): string[] => s.replace(/\n$/, '').split('\n');
const between = (text: string, first: string, last: string): string[] => {
  const l = lines(text);
  return l.slice(l.indexOf(first), l.indexOf(last) + 1);
};

const PEM = between(CLIENT13_NEW, '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----');
const DER = new Uint8Array(Buffer.from(PEM.slice(1, -1).join(''), 'base64'));
const SHA256 = createHash('sha256').update(DER).digest('hex');

/** The golden leaf as the report's facts (OpenSSL spellings). */
const LEAF: CertInfo = {
  der: DER,
  subject: 'CN = localhost',
  issuer: 'CN = localhost',
  notBefore: 'Nov 21 23:24:32 2026 GMT',
  notAfter: 'Dec 21 23:24:32 2026 GMT',
  publicKey: 'id-ecPublicKey',
  publicKeyBits: 256,
  sigalg: 'ecdsa-with-SHA256',
  sha256: SHA256,
};

/** The facts of golden client13_new.txt. */
function info13(over: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    version: 0x0304,
    cipherSuite: 0x1302,
    group: 0x001d,
    handshake: 'full',
    resumed: false,
    alpn: null,
    servername: 'localhost',
    sniAcknowledged: true,
    peerCertificates: [LEAF],
    verify: { ok: true, code: 0, message: 'ok', depth: 0 },
    peerSignatureScheme: 0x0403,
    peerSignatureMd5Sha1: false,
    dhBits: null,
    tickets: 0,
    extendedMasterSecret: false,
    secureRenegotiation: false,
    handshakeBytes: { read: 784, written: 323 },
    appBytes: { read: 0, written: 0 },
    clientCertRequested: false,
    clientCertSent: false,
    clientCaNames: [],
    sessionId: new Uint8Array(0),
    maxSendFragment: 16384,
    earlyData: 'not sent',
    maxEarlyData: 0,
    earlyDataSent: 0,
    certificateCompression: null,
    warningAlerts: [],
    renegotiations: 0,
    ech: { status: 'not offered', outerServerName: null, retryConfigs: null },
    ...over,
  };
}

/** The facts of golden client12_new.txt (ECDHE-ECDSA-AES256-GCM-SHA384, EMS, renegotiation ext). */
function info12(over: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return info13({
    version: 0x0303,
    cipherSuite: 0xc02c,
    handshakeBytes: { read: 868, written: 299 },
    extendedMasterSecret: true,
    secureRenegotiation: true,
    ...over,
  });
}

const SESSION_BLOCK_12 = `${between(CLIENT12_NEW, 'SSL-Session:', '    Extended master secret: yes').join('\n')}\n`;
const report = (info: ConnectionInfo, o: Parameters<typeof formatReport>[1] = {}): string[] =>
  lines(`${formatConnected(3)}\n${formatReport(info, o)}`);

describe('default report against golden s_client transcripts', () => {
  it('TLS 1.3 full handshake, 3.0 style, equals client13_new.txt line for line', () => {
    assert.deepEqual(report(info13(), { style: '3.0' }), lines(CLIENT13_NEW));
  });

  it('TLS 1.3 default (3.4) style adds Protocol: and the TLS 1.3 renegotiation line, nothing else', () => {
    const want = lines(CLIENT13_NEW).flatMap((l) =>
      l.startsWith('New, ')
        ? [l, 'Protocol: TLSv1.3']
        : l === 'Secure Renegotiation IS NOT supported'
          ? ['This TLS version forbids renegotiation.']
          : [l],
    );
    assert.deepEqual(report(info13()), want);
  });

  it('the lines scripts grep are exactly the spec lines', () => {
    const got = report(info13());
    for (const l of [
      'CONNECTED(00000003)',
      'Verification: OK',
      'New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384',
      'Protocol: TLSv1.3',
      'Server Temp Key: X25519, 253 bits',
      'No ALPN negotiated',
      'Verify return code: 0 (ok)',
    ]) {
      assert.ok(got.includes(l), `missing line: ${l}`);
    }
    const chain = got.slice(got.indexOf('Certificate chain'), got.indexOf('Certificate chain') + 5);
    assert.deepEqual(chain, lines(CLIENT13_NEW).slice(2, 7));
  });

  it('Node-style certificate facts (CN=x, ISO dates, "ec", OIDs) print the same OpenSSL spellings', () => {
    const x = new X509Certificate(DER);
    const nodeLeaf: CertInfo = {
      ...LEAF,
      subject: x.subject,
      issuer: x.issuer,
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
      publicKey: x.publicKey.asymmetricKeyType ?? '?',
      sigalg: '1.2.840.10045.4.3.2',
    };
    assert.deepEqual(report(info13({ peerCertificates: [nodeLeaf] }), { style: '3.0' }), lines(CLIENT13_NEW));
    assert.equal(opensslTime('2026-03-01T04:05:06Z'), 'Mar  1 04:05:06 2026 GMT');
  });

  it('TLS 1.2 full handshake with the session block equals client12_new.txt', () => {
    assert.deepEqual(report(info12(), { style: '3.0', sessionBlock: SESSION_BLOCK_12 }), lines(CLIENT12_NEW));
    const v34 = report(info12(), { sessionBlock: SESSION_BLOCK_12 });
    assert.equal(v34[v34.indexOf('New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384') + 1], 'Protocol: TLSv1.2');
    assert.ok(v34.includes('Secure Renegotiation IS supported'));
  });

  it('warning alerts the server sent: one line after Secure Renegotiation, none without; JSON warningAlerts, renegotiations', () => {
    const v = report(info12({ warningAlerts: ['unrecognized_name', 'unrecognized_name'] }), {
      sessionBlock: SESSION_BLOCK_12,
    });
    const at = v.indexOf('Secure Renegotiation IS supported');
    assert.equal(v[at + 1], 'Warning alerts received: unrecognized_name, unrecognized_name');
    assert.ok(!report(info12(), { sessionBlock: SESSION_BLOCK_12 }).some((l) => l.startsWith('Warning alerts')));
    const opts = parseArgs(['127.0.0.1:4433']);
    const rec = { info: info12({ warningAlerts: ['no_renegotiation'], renegotiations: 2 }), sessionSaved: false };
    const c = buildJson(opts, [{ ...rec, timings: { connectMs: 1, handshakeMs: 2 } }]).connections[0];
    assert.deepEqual(c?.warningAlerts, ['no_renegotiation']);
    assert.equal(c?.renegotiations, 2);
  });

  it('TLS 1.3 resumption equals client13_resume.txt (no chain, no peer signature lines)', () => {
    const got = report(info13({ resumed: true, handshake: 'resumed', handshakeBytes: { read: 241, written: 594 } }), {
      style: '3.0',
    });
    assert.deepEqual(got, lines(CLIENT13_RESUME));
  });

  it('a --reconnect summary equals the short print in reconnect12.txt', () => {
    const block = `${between(RECONNECT12_SUMMARY, 'SSL-Session:', '    Extended master secret: yes').join('\n')}\n`;
    const got = lines(
      formatReport(info12({ resumed: true, handshake: 'resumed' }), {
        isReconnect: true,
        style: '3.0',
        sessionBlock: block,
      }),
    );
    assert.deepEqual(got, lines(RECONNECT12_SUMMARY));
  });

  it('the post-handshake ticket block equals the golden one', () => {
    const body = lines(TICKET_BLOCK_13).slice(2, -1).join('\n');
    assert.equal(formatTicketBlock(`${body}\n`), `${TICKET_BLOCK_13}\n`);
    assert.equal(formatTicketBlock(body), `${TICKET_BLOCK_13}\n`);
  });

  it("New/Reused names the negotiated protocol, not the cipher's minimum version", () => {
    const got = report(info12({ cipherSuite: 0xc009 }));
    assert.ok(got.includes('New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-SHA'));
  });

  it('verification failure, ALPN and a TLS 1.2 report without a session block', () => {
    const bad = report(
      info13({ verify: { ok: false, code: 18, message: 'self-signed certificate', depth: 0 }, alpn: 'h2' }),
    );
    assert.ok(bad.includes('Verification error: self-signed certificate'));
    assert.ok(bad.includes('Verify return code: 18 (self-signed certificate)'));
    assert.ok(bad.includes('ALPN protocol: h2'));
    const noBlock = report(info12());
    assert.ok(noBlock.includes('SSL-Session:') && noBlock.includes('    Verify return code: 0 (ok)'));
  });

  it('--showcerts prints PEM after each chain entry and not again after "Server certificate"', () => {
    const ca: CertInfo = { ...LEAF, subject: 'CN = Test Root', issuer: 'CN = Test Root' };
    const got = report(info13({ peerCertificates: [LEAF, ca] }), { showcerts: true });
    assert.equal(got.filter((l) => l === '-----BEGIN CERTIFICATE-----').length, 2);
    assert.equal(got[got.indexOf('Server certificate') + 1], 'subject=CN = localhost');
    assert.ok(got.includes(' 1 s:CN = Test Root'));
  });
});

describe('--brief report', () => {
  it('has s_client -brief lines plus the New/Reused verdict and ALPN', () => {
    assert.deepEqual(lines(formatBrief(info13())), [
      'CONNECTION ESTABLISHED',
      'Protocol version: TLSv1.3',
      'Ciphersuite: TLS_AES_256_GCM_SHA384',
      'Peer certificate: CN = localhost',
      'Hash used: SHA256',
      'Signature type: ECDSA',
      'Verification: OK',
      'Server Temp Key: X25519, 253 bits',
      'New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384',
      'No ALPN negotiated',
    ]);
    assert.ok(
      lines(formatBrief(info13({ resumed: true, alpn: 'h2' }))).includes(
        'Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384',
      ),
    );
  });

  it('ends with the ECH line when ECH was asked for or offered, as the full report has it', () => {
    assert.equal(lines(formatBrief(info13(), { ech: true })).at(-1), 'ECH: not offered');
    const acc = info13({ ech: { status: 'accepted', outerServerName: 'public.example', retryConfigs: null } });
    assert.equal(lines(formatBrief(acc)).at(-1), 'ECH: accepted');
    const rej = info13({
      ech: { status: 'rejected', outerServerName: 'localhost', retryConfigs: new Uint8Array([1, 2, 3]) },
    });
    assert.equal(lines(formatBrief(rej, { ech: true })).at(-1), 'ECH: rejected; retry configs: AQID');
    assert.ok(!lines(formatBrief(info13())).some((l) => l.startsWith('ECH:')), 'no ECH line when not asked for');
  });
});

describe('colour', () => {
  const tty = { isTTY: true };
  it('useColor: TTY only, never with NO_COLOR (any value), --no-color or --json', () => {
    assert.equal(useColor({ color: null, output: 'report' }, tty, {}), true);
    assert.equal(useColor({ color: true, output: 'report' }, { isTTY: false }, {}), false);
    assert.equal(useColor({ color: null, output: 'report' }, tty, { NO_COLOR: '' }), false);
    assert.equal(useColor({ color: true, output: 'report' }, tty, { NO_COLOR: '1' }), false);
    assert.equal(useColor({ color: false, output: 'report' }, tty, {}), false);
    assert.equal(useColor({ color: true, output: 'json' }, tty, {}), false);
  });
  it('colour codes appear only when enabled', () => {
    // ANSI escapes are what this test looks for.
    // eslint-disable-next-line no-control-regex
    assert.match(formatReport(info13(), { color: true }), /\u001b\[32mVerification: OK/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(formatReport(info13(), { color: false }), /\u001b\[/);
  });
});

describe('--json document', () => {
  const opts = parseArgs(['127.0.0.1:4433', '--partial-write', '--servername', 'localhost']);
  const record = {
    info: info13({ tickets: 2, appBytes: { read: 5, written: 6 } }),
    sessionSaved: true,
    timings: { connectMs: 1.5, handshakeMs: 7 },
  };

  it('has every spec key with the right type', () => {
    const doc = JSON.parse(formatJson(buildJson(opts, [record]))) as Record<string, unknown>;
    assert.deepEqual(doc['target'], { host: '127.0.0.1', port: 4433, servername: 'localhost' });
    const c = (doc['connections'] as Record<string, unknown>[])[0] ?? {};
    const types: Record<string, string> = {
      protocol: 'string',
      cipher: 'string',
      group: 'string',
      handshake: 'string',
      resumed: 'boolean',
      verify: 'object',
      peerCertificates: 'object',
      tickets: 'number',
      sessionSaved: 'boolean',
      bytes: 'object',
      timings: 'object',
    };
    for (const [k, t] of Object.entries(types)) assert.equal(typeof c[k], t, `connections[0].${k}`);
    assert.ok('alpn' in c && c['alpn'] === null);
    assert.deepEqual(
      [c['protocol'], c['cipher'], c['group'], c['handshake'], c['tickets']],
      ['TLSv1.3', 'TLS_AES_256_GCM_SHA384', 'x25519', 'full', 2],
    );
    assert.deepEqual(c['verify'], { ok: true, code: 0, message: 'ok', depth: 0 });
    assert.deepEqual(c['bytes'], { read: 5, written: 6 });
    assert.deepEqual(c['timings'], { connectMs: 1.5, handshakeMs: 7 });
    const cert = (c['peerCertificates'] as Record<string, unknown>[])[0] ?? {};
    for (const k of ['subject', 'issuer', 'notBefore', 'notAfter', 'publicKey', 'sha256'])
      assert.equal(typeof cert[k], 'string', k);
    assert.equal(cert['notBefore'], '2026-11-21T23:24:32Z');
    assert.equal(cert['sha256'], SHA256);
    assert.deepEqual(doc['modes'], {
      partialWrite: true,
      acceptMovingWriteBuffer: false,
      autoRetry: false,
      releaseBuffers: false,
      mask: 1,
    });
    assert.equal(doc['error'], null);
    assert.equal(doc['exitCode'], 0);
  });

  it('error object: alert, errno, and the exit-4 outcome', () => {
    const alert = buildJson(opts, [], { error: new TlsAlert(AlertDescription.handshake_failure, '', true) });
    assert.deepEqual(alert.error, {
      kind: 'alert',
      message: 'handshake failed: received alert handshake_failure',
      alert: 'handshake_failure',
      errno: null,
    });
    assert.equal(alert.exitCode, 1);
    const epipe = buildJson(opts, [record], { error: new SyscallError('EPIPE', 32), context: { phase: 'write' } });
    assert.deepEqual(epipe.error, {
      kind: 'syscall',
      message: 'write failed: SYSCALL errno=32 EPIPE',
      alert: null,
      errno: 'EPIPE',
    });
    const resume = buildJson(opts, [record], { outcome: 'resume-not-met', message: '0 of 1 accepted' });
    assert.equal(resume.exitCode, 4);
    assert.equal(resume.error?.kind, 'resume');
  });
});

describe('--io-trace lines', () => {
  it('formats every spec example exactly', () => {
    assert.equal(formatIoCall('SSL_write', 100000, { ret: 16384, error: SslError.NONE }), 'SSL_write(100000) = 16384');
    assert.equal(
      formatIoCall('SSL_write', 83616, { ret: -1, error: SslError.WANT_WRITE }),
      'SSL_write(83616) = -1 WANT_WRITE',
    );
    assert.equal(formatIoCall('SSL_write', 83616, { ret: 32768, error: SslError.NONE }), 'SSL_write(83616) = 32768');
    assert.equal(
      formatIoCall('SSL_read', 16384, { ret: -1, error: SslError.WANT_READ, note: 'NewSessionTicket' }),
      'SSL_read(16384) = -1 WANT_READ (NewSessionTicket)',
    );
    assert.equal(formatIoCall('SSL_read', 16384, { ret: 5, error: SslError.NONE }), 'SSL_read(16384) = 5');
    assert.equal(
      formatIoCall('SSL_write', null, { ret: -1, error: SslError.SYSCALL, errno: 'EPIPE' }),
      'SSL_write(...) = -1 SYSCALL errno=32 EPIPE',
    );
    assert.equal(
      formatIoCall('SSL_write', 5, { ret: -1, error: SslError.SYSCALL, errno: -104 }),
      'SSL_write(5) = -1 SYSCALL errno=104 ECONNRESET',
    );
    assert.equal(
      formatIoCall('SSL_write', 9, { ret: -1, error: SslError.SSL, reason: 'bad write retry' }),
      'SSL_write(9) = -1 SSL bad write retry',
    );
    assert.equal(
      formatIoCall('SSL_read', 16384, { ret: 0, error: SslError.ZERO_RETURN }),
      'SSL_read(16384) = 0 ZERO_RETURN',
    );
  });
  it('s_client-style BLOCK and errno lines', () => {
    assert.equal(formatBlock('read'), 'read R BLOCK');
    assert.equal(formatBlock('write'), 'write W BLOCK');
    assert.equal(formatSyscallLine('write', 'EPIPE'), 'write:errno=32');
    assert.equal(formatConnected(), 'CONNECTED(00000000)');
    assert.equal(formatConnected(3), 'CONNECTED(00000003)');
  });
});

describe('TLS 1.0/1.1, DHE and RSA key exchange lines (issue 13)', () => {
  it('TLS 1.0 DHE-RSA: MD5-SHA1 signature, DH temp key, TLSv1 everywhere, no secure renegotiation', () => {
    const info = info12({
      version: 0x0301,
      cipherSuite: 0x0039,
      group: null,
      dhBits: 2048,
      peerSignatureScheme: null,
      peerSignatureMd5Sha1: true,
      extendedMasterSecret: false,
      secureRenegotiation: false,
    });
    const got = report(info);
    for (const line of [
      'Peer signing digest: MD5-SHA1',
      'Peer signature type: RSA',
      'Server Temp Key: DH, 2048 bits',
      'New, TLSv1, Cipher is DHE-RSA-AES256-SHA',
      'Protocol: TLSv1',
      'Secure Renegotiation IS NOT supported',
      '    Protocol  : TLSv1',
    ])
      assert.ok(got.includes(line), `${line}\n${got.join('\n')}`);
    const brief = formatBrief(info).split('\n');
    assert.ok(brief.includes('Protocol version: TLSv1'));
    assert.ok(brief.includes('Hash used: MD5-SHA1'));
    assert.ok(brief.includes('Server Temp Key: DH, 2048 bits'));
  });
  it('RSA key exchange has no Server Temp Key line; TLS 1.1 is TLSv1.1; a resumption shows no temp key', () => {
    const rsa = report(info12({ version: 0x0302, cipherSuite: 0x002f, group: null, peerSignatureScheme: null }));
    assert.ok(!rsa.some((l) => l.startsWith('Server Temp Key')), rsa.join('\n'));
    assert.ok(rsa.includes('New, TLSv1.1, Cipher is AES128-SHA'));
    assert.ok(!rsa.some((l) => l.startsWith('Peer signing digest')));
    const resumed = report(info12({ version: 0x0301, cipherSuite: 0x0039, group: null, dhBits: 2048, resumed: true }));
    assert.ok(!resumed.some((l) => l.startsWith('Server Temp Key')), resumed.join('\n'));
  });
});
