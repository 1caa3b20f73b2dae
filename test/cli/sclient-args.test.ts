/**
 * s_client compatibility of the command line (issue 18, items 7, 8, 10, 11): single-dash spellings,
 * exit 2 for s_client options tls-probe lacks, -4/-6, the proxy flags and internationalized names.
 * Parsing only; the end-to-end behaviour against real servers is in sclient-net.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../src/cli/options.js';
import { longOptions, translateSclientArgs } from '../../src/cli/sclient-args.js';
import { buildProgram } from '../../src/cli/options.js';
import { rejects } from '../helpers/usage.js';

describe('s_client single-dash spellings', () => {
  it('a typical s_client command line parses to the same options as the long form', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-probe-sargs-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '');
    const s = parseArgs(
      [
        '-connect',
        'example.test:8443',
        '-servername',
        'www.example.test',
        '-CAfile',
        ca,
        '-CApath',
        dir,
        '-sess_out',
        join(dir, 's.pem'),
        '-showcerts',
        '-msg',
        '-state',
        '-tls1_3',
        '-alpn',
        'h2,http/1.1',
        '-groups',
        'x25519:P-256',
        '-ciphersuites',
        'TLS_AES_128_GCM_SHA256',
        '-starttls',
        'smtp',
        '-verify_return_error',
        '-keylogfile',
        join(dir, 'k.log'),
        '-ign_eof',
        '-crlf',
        '-max_send_frag',
        '1024',
        '-maxfraglen',
        '2048',
        '-nocommands',
      ],
      {},
    );
    const l = parseArgs(
      [
        '--connect',
        'example.test:8443',
        '--servername',
        'www.example.test',
        '--cafile',
        ca,
        '--capath',
        dir,
        '--sess-out',
        join(dir, 's.pem'),
        '--showcerts',
        '--msg',
        '--state',
        '--tls1_3',
        '--alpn',
        'h2,http/1.1',
        '--groups',
        'x25519:P-256',
        '--ciphersuites',
        'TLS_AES_128_GCM_SHA256',
        '--starttls',
        'smtp',
        '--verify-return-error',
        '--keylogfile',
        join(dir, 'k.log'),
        '--ign-eof',
        '--crlf',
        '--max-send-fragment',
        '1024',
        '--max-fragment-length',
        '2048',
        '--no-interactive',
      ],
      {},
    );
    assert.deepEqual(s, l);
    assert.equal(s.port, 8443);
    assert.equal(s.servername, 'www.example.test');
    assert.equal(s.interactive, false);
    assert.equal(s.maxSendFragment, 1024);
  });

  it('-curves, -min_protocol/-max_protocol, -noservername, -brief, -quiet, -reconnect, -sess_in, -cert/-key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-probe-sargs-'));
    for (const f of ['c.pem', 'k.pem', 's.pem']) writeFileSync(join(dir, f), '');
    const o = parseArgs(['-curves', 'P-384', '-min_protocol', 'TLSv1.3', '-noservername', '-brief', 'h:1'], {});
    assert.deepEqual([o.groups, o.minVersion, o.servername, o.output], [['secp384r1'], 0x0304, null, 'brief']);
    assert.equal(parseArgs(['-max_protocol', 'TLSv1.2', 'h'], {}).maxVersion, 0x0303);
    assert.equal(parseArgs(['-quiet', 'h'], {}).output, 'quiet');
    // s_client's -reconnect takes no count: the next word stays the target.
    const r = parseArgs(['-reconnect', 'h:2'], {});
    assert.deepEqual([r.reconnect, r.host, r.port], [5, 'h', 2]);
    const c = parseArgs(
      ['-cert', join(dir, 'c.pem'), '-key', join(dir, 'k.pem'), '-sess_in', join(dir, 's.pem'), '-connect', 'h:3'],
      {},
    );
    assert.deepEqual([c.cert, c.key, c.sessIn], [join(dir, 'c.pem'), join(dir, 'k.pem'), join(dir, 's.pem')]);
  });

  it('-4 / -6 and the proxy options in s_client spelling', () => {
    const o = parseArgs(['-4', '-proxy', 'proxy.test:3128', '-proxy_user', 'u', '-proxy_pass', 'pass:p w', 'h'], {});
    assert.equal(o.family, 4);
    assert.deepEqual(o.proxy, {
      host: 'proxy.test',
      port: 3128,
      target: 'proxy.test:3128',
      user: 'u',
      password: 'p w',
    });
    assert.equal(parseArgs(['-6', 'h'], {}).family, 6);
    assert.equal(parseArgs(['h'], {}).family, 0);
  });

  it('option values that look like s_client options are not rewritten; nor is anything after --', () => {
    const longs = longOptions(buildProgram());
    assert.deepEqual(translateSclientArgs(['--alpn', '-msg', '-msg'], longs), ['--alpn', '-msg', '--msg']);
    assert.deepEqual(translateSclientArgs(['-servername', '-state'], longs), ['--servername', '-state']);
    assert.deepEqual(translateSclientArgs(['--', '-msg'], longs), ['--', '-msg']);
    assert.deepEqual(translateSclientArgs(['--alpn=x', '-msg'], longs), ['--alpn=x', '--msg']);
  });

  it('s_client options tls-probe does not implement: exit 2 naming them', () => {
    for (const opt of ['-bugs', '-dtls', '-psk_session', '-no_ticket', '-nbio', '-CRLform', '-unix']) {
      rejects([opt, 'x', 'h'], `s_client option '${opt}' is not implemented by tls-probe (see tls-probe --help)`);
    }
    rejects(
      ['-timeout', 'h'],
      /^s_client option '-timeout' is not implemented by tls-probe \(s_client's -timeout is a DTLS switch/,
    );
    rejects(
      ['-verify', '5', 'h'],
      /^s_client option '-verify' is not implemented by tls-probe \(s_client's -verify <depth>/,
    );
  });
});

describe('-4 / -6, --proxy, --no-interactive: validation (exit 2)', () => {
  const cases: [string[], string | RegExp][] = [
    [['-4', '-6', 'h'], '-4 and -6 exclude each other'],
    [['-4', '[::1]:443'], '-4 was given but the target is an IPv6 address'],
    [['--ipv6', '127.0.0.1'], '-6 was given but the target is an IPv4 address'],
    [['-6', '--proxy', '127.0.0.1:3128', 'h'], '-6 was given but --proxy 127.0.0.1:3128 is an IPv4 address'],
    [['--proxy', 'proxy.test', 'h'], "--proxy expects host:port, got 'proxy.test' (see tls-probe --help)"],
    [['--proxy', 'http://p:3128', 'h'], /^--proxy 'http:\/\/p:3128' looks like a URL/],
    [
      ['--proxy', 'p:0', 'h'],
      "port in --proxy 'p:0' expects a whole number from 1 to 65535, got '0' (see tls-probe --help)",
    ],
    [['--proxy', '[::1]', 'h'], "--proxy expects host:port, got '[::1]' (see tls-probe --help)"],
    [['--proxy-user', 'u', '--proxy-pass', 'p', 'h'], '--proxy-user needs --proxy <host:port>'],
    [['--proxy-pass', 'p', 'h'], '--proxy-pass needs --proxy <host:port>'],
    [['--proxy', 'p:1', '--proxy-user', 'u', 'h'], '--proxy-user needs --proxy-pass'],
    [['--proxy', 'p:1', '--proxy-pass', 'p', 'h'], '--proxy-pass needs --proxy-user'],
    [
      ['--proxy', 'p:1', '--proxy-user', 'a:b', '--proxy-pass', 'p', 'h'],
      /^--proxy-user 'a:b' is not a valid user name/,
    ],
    [
      ['--proxy', 'p:1', '--proxy-user', 'u', '--proxy-pass', 'env:TLS_PROBE_NO_SUCH_VAR', 'h'],
      '--proxy-pass env:TLS_PROBE_NO_SUCH_VAR: environment variable TLS_PROBE_NO_SUCH_VAR is not set',
    ],
    [
      ['--proxy', 'p:1', '--proxy-user', 'u', '--proxy-pass', 'file:/nonexistent/pw', 'h'],
      /^cannot read --proxy-pass file \/nonexistent\/pw|--proxy-pass.*\/nonexistent\/pw/,
    ],
    [
      ['--proxy', 'p:1', '--proxy-user', 'u', '--proxy-pass', 'stdin', 'h'],
      /^--proxy-pass stdin: standard input carries/,
    ],
    [['--keymatexportlen', '32', 'h'], '--keymatexportlen needs --keymatexport <label>'],
    [
      ['-keymatexport', 'key expansion', 'h'],
      "--keymatexport 'key expansion' is a label TLS reserves for itself (RFC 5705 §4)",
    ],
    [['--keymatexport', 'x'.repeat(250), 'h'], '--keymatexport label must be 1 to 249 bytes, got 250'],
    [['--keymatexport', '', 'h'], '--keymatexport label must be 1 to 249 bytes, got 0'],
    [
      ['--keymatexport', 'L', '-keymatexportlen', '0', 'h'],
      "--keymatexportlen expects a whole number from 1 to 8160, got '0' (see tls-probe --help)",
    ],
    [['--servername', 'xn--\u00fc.x', 'h'], "--servername 'xn--\u00fc.x' is not a valid internationalized host name"],
    [['--expect-early-data', 'h'], '--expect-early-data needs --early-data <file>'],
    [['-early_data', '/nonexistent/early', 'h'], /^cannot read --early-data \/nonexistent\/early: ENOENT/],
  ];
  for (const [argv, message] of cases) {
    it(`${JSON.stringify(argv).slice(0, 70)} -> ${String(message).slice(0, 60)}`, () => rejects(argv, message));
  }

  it('-early_data <file> (s_client) reads the file before anything is sent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-probe-sargs-'));
    writeFileSync(join(dir, 'ed'), 'GET / HTTP/1.0\r\n\r\n');
    const o = parseArgs(['-early_data', join(dir, 'ed'), '--expect-early-data', 'h'], {});
    assert.equal(Buffer.from(o.earlyData ?? []).toString(), 'GET / HTTP/1.0\r\n\r\n');
    assert.equal(o.expectEarlyData, true);
    assert.equal(o.enablePha, false);
    assert.equal(parseArgs(['-enable_pha', 'h'], {}).enablePha, true);
  });

  it('--proxy-pass sources: literal, pass:, env:, file: (first line)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-probe-sargs-'));
    writeFileSync(join(dir, 'pw'), 's3cret\nignored\n');
    const pw = (v: string): string | null =>
      parseArgs(['--proxy', 'p:1', '--proxy-user', 'u', '--proxy-pass', v, 'h'], {}).proxy?.password ?? null;
    process.env['TLS_PROBE_TEST_PW'] = 'from-env';
    assert.deepEqual(
      [pw('plain'), pw('pass:pass:x'), pw('env:TLS_PROBE_TEST_PW'), pw(`file:${join(dir, 'pw')}`)],
      ['plain', 'pass:x', 'from-env', 's3cret'],
    );
  });

  it('-xmpphost and -name (s_client) for the STARTTLS greetings; bad values are exit 2', () => {
    const o = parseArgs(['-starttls', 'smtp', '-name', 'mx.example', '-xmpphost', 'chat.example', 'h'], {});
    assert.deepEqual([o.starttlsName, o.xmppHost], ['mx.example', 'chat.example']);
    assert.deepEqual([parseArgs(['h'], {}).starttlsName, parseArgs(['h'], {}).xmppHost], [null, null]);
    rejects(['--starttls-name', 'a b', 'h'], "--starttls-name 'a b' is not a valid host name");
    rejects(['--xmpphost', "x'y", 'h'], "--xmpphost 'x'y' is not a valid host name");
  });

  it('IPv6 proxy literal and the default: interactive commands on', () => {
    const o = parseArgs(['--proxy', '[::1]:3128', 'h'], {});
    assert.deepEqual(o.proxy, { host: '::1', port: 3128, target: '[::1]:3128', user: null, password: null });
    assert.equal(o.interactive, true);
    assert.equal(parseArgs(['--no-interactive', 'h'], {}).interactive, false);
    assert.equal(parseArgs(['-no-interactive', 'h'], {}).interactive, false);
  });
});

describe('internationalized host names become A-labels (UTS #46)', () => {
  it('target and --servername', () => {
    const o = parseArgs(['b\u00fccher.example:443'], {});
    assert.deepEqual(
      [o.host, o.servername, o.verifyHost],
      ['xn--bcher-kva.example', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
    );
    const s = parseArgs(['--servername', 'B\u00fccher.Example', '127.0.0.1:1'], {});
    assert.deepEqual(
      [s.host, s.servername, s.verifyHost],
      ['127.0.0.1', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
    );
    // ASCII names are left exactly as given.
    assert.equal(parseArgs(['--servername', 'Mixed.Case.test', 'h'], {}).servername, 'Mixed.Case.test');
  });
});
