/**
 * Command-line parsing (spec/cli.md "Options"): targets, defaults, typed values, every validation
 * error as a UsageError with its message, --help/--version without process.exit, file checks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/errors.js';
import { InfoRequest, parseArgs, validateFiles, type CliOptions } from '../../src/cli/options.js';
import { rejects } from '../helpers/usage.js';

describe('target parsing', () => {
  const t = (argv: string[]): Pick<CliOptions, 'host' | 'port' | 'hostIp' | 'target' | 'servername' | 'verifyHost'> => {
    const o = parseArgs(argv, {});
    return {
      host: o.host,
      port: o.port,
      hostIp: o.hostIp,
      target: o.target,
      servername: o.servername,
      verifyHost: o.verifyHost,
    };
  };
  it('host alone: port 443, SNI = host', () => {
    assert.deepEqual(t(['example.com']), {
      host: 'example.com',
      port: 443,
      hostIp: 0,
      target: 'example.com:443',
      servername: 'example.com',
      verifyHost: 'example.com',
    });
  });
  it('host:port', () => assert.deepEqual(t(['example.com:8443']).port, 8443));
  it('[::1]:8443, [::1] and a bare ::1 are IPv6 literals without SNI', () => {
    assert.deepEqual(t(['[::1]:8443']), {
      host: '::1',
      port: 8443,
      hostIp: 6,
      target: '[::1]:8443',
      servername: null,
      verifyHost: '::1',
    });
    assert.equal(t(['[::1]']).port, 443);
    assert.equal(t(['::1']).hostIp, 6);
  });
  it('an IPv4 literal sends no SNI but is still the name verified', () => {
    assert.deepEqual(t(['127.0.0.1:4433']), {
      host: '127.0.0.1',
      port: 4433,
      hostIp: 4,
      target: '127.0.0.1:4433',
      servername: null,
      verifyHost: '127.0.0.1',
    });
  });
  it('--connect is an alias of the positional target', () => {
    assert.deepEqual(t(['--connect', 'example.org:444']), t(['example.org:444']));
    assert.equal(t(['--connect=[::1]']).host, '::1');
  });
  it('--servername changes SNI and the verified name; --no-servername drops SNI only', () => {
    assert.deepEqual(t(['--servername', 'www.test', '127.0.0.1']).servername, 'www.test');
    assert.equal(t(['--servername', 'www.test', '127.0.0.1']).verifyHost, 'www.test');
    assert.deepEqual(
      [t(['--no-servername', 'a.test']).servername, t(['--no-servername', 'a.test']).verifyHost],
      [null, 'a.test'],
    );
  });
  it('--reconnect without a count before the target does not swallow the target', () => {
    const o = parseArgs(['--reconnect', 'example.com'], {});
    assert.deepEqual([o.host, o.reconnect], ['example.com', 5]);
  });
});

describe('defaults', () => {
  const o = parseArgs(['example.com'], {});
  it('auto-retry off in the CLI, mode mask 0, ticket-wait 1000, no reconnect', () => {
    assert.deepEqual([o.autoRetry, o.mode, o.ticketWaitMs, o.reconnect, o.expectResume], [false, 0, 1000, 0, false]);
  });
  it('timeouts, fragments, versions, output, crypto, colour', () => {
    assert.deepEqual(
      [o.connectTimeoutMs, o.timeoutMs, o.maxSendFragment, o.maxFragmentLength, o.maxFragmentLengthCode],
      [10000, null, 16384, 0, 0],
    );
    assert.deepEqual(
      [o.minVersion, o.maxVersion, o.output, o.crypto, o.color, o.keylogfile],
      [0x0303, 0x0304, 'report', 'node', null, null],
    );
    assert.deepEqual(
      [o.groups, o.ciphersuites, o.cipher, o.sigalgs, o.alpn, o.sndbuf],
      [null, null, null, null, [], null],
    );
  });
  it('bare --reconnect means 5; --reconnect n and --reconnect=n take n', () => {
    assert.equal(parseArgs(['h', '--reconnect'], {}).reconnect, 5);
    assert.equal(parseArgs(['--reconnect', '2', 'h'], {}).reconnect, 2);
    assert.equal(parseArgs(['--reconnect=0', 'h'], {}).reconnect, 0);
  });
  it('SSLKEYLOGFILE supplies --keylogfile; the flag wins', () => {
    assert.equal(parseArgs(['h'], { SSLKEYLOGFILE: '/tmp/env.log' }).keylogfile, '/tmp/env.log');
    assert.equal(
      parseArgs(['h', '--keylogfile', '/tmp/f.log'], { SSLKEYLOGFILE: '/tmp/env.log' }).keylogfile,
      '/tmp/f.log',
    );
  });
});

describe('typed values', () => {
  it('names resolve through the names.ts tables', () => {
    const o = parseArgs(
      [
        'h',
        '--groups',
        'x25519:P-256,secp384r1',
        '--ciphersuites',
        'TLS_AES_128_GCM_SHA256',
        '--cipher',
        'ECDHE-RSA-AES128-GCM-SHA256:ecdhe-ecdsa-chacha20-poly1305',
        '--sigalgs',
        'ecdsa_secp256r1_sha256:RSA-PSS+SHA256:ed25519',
        '--alpn',
        'h2,http/1.1',
      ],
      {},
    );
    assert.deepEqual(o.groups, ['x25519', 'secp256r1', 'secp384r1']);
    assert.deepEqual(o.ciphersuites, [0x1301]);
    assert.deepEqual(o.cipher, [0xc02f, 0xcca9]);
    assert.deepEqual(o.sigalgs, [0x0403, 0x0804, 0x0807]);
    assert.deepEqual(o.alpn, ['h2', 'http/1.1']);
  });
  it('versions, modes, fragment sizes, output mode', () => {
    const o = parseArgs(
      [
        'h',
        '--tls1_3',
        '--partial-write',
        '--accept-moving-write-buffer',
        '--auto-retry',
        '--release-buffers',
        '--max-send-fragment',
        '512',
        '--max-fragment-length',
        '1024',
        '--sndbuf',
        '4096',
        '--json',
        '--no-color',
        '--starttls',
        'SMTP',
        '--crypto',
        'noble',
      ],
      {},
    );
    assert.deepEqual(
      [o.minVersion, o.maxVersion, o.mode, o.maxSendFragment, o.maxFragmentLength, o.maxFragmentLengthCode, o.sndbuf],
      [0x0304, 0x0304, 0x17, 512, 1024, 2, 4096],
    );
    assert.deepEqual([o.output, o.color, o.starttls, o.crypto], ['json', false, 'smtp', 'noble']);
    assert.deepEqual(
      [parseArgs(['h', '--tls1_2'], {}).maxVersion, parseArgs(['h', '--min-tls', 'TLSv1.3'], {}).minVersion],
      [0x0303, 0x0304],
    );
  });
});

describe('usage errors', () => {
  const cases: [string[], string | RegExp][] = [
    [[], 'missing target host[:port] (see tls-probe --help)'],
    [['--foo', 'h'], "unknown option '--foo' (see tls-probe --help)"],
    [['--sess_out', 'x', 'h'], "unknown option '--sess_out' (did you mean --sess-out?)"],
    [['--sess-ot', 'x', 'h'], "unknown option '--sess-ot' (did you mean --sess-out?)"],
    [['-json', 'h'], "unknown option '-json' (did you mean --json? tls-probe takes --long options)"],
    [['-bugs', 'h'], "s_client option '-bugs' is not implemented by tls-probe (see tls-probe --help)"],
    [['--cafile'], "option '--cafile <file>' argument missing (see tls-probe --help)"],
    [['a', 'b'], 'too many arguments: give one target host[:port] (see tls-probe --help)'],
    [['a', '--connect', 'b'], "give the target once: 'a' and --connect b"],
    [['h:0'], "port in target 'h:0' expects a whole number from 1 to 65535, got '0' (see tls-probe --help)"],
    [
      ['h:https'],
      "port in target 'h:https' expects a whole number from 1 to 65535, got 'https' (see tls-probe --help)",
    ],
    [['a:b:c'], "target 'a:b:c': write IPv6 literals with brackets, e.g. [::1]:443"],
    [['[example.com]:1'], "target '[example.com]:1': only IPv6 literals go in brackets"],
    [['https://example.com/x'], "target 'https://example.com/x' looks like a URL; give host[:port], e.g. example.com"],
    [['--tls1_2', '--tls1_3', 'h'], "option '--tls1_2' cannot be used with option '--tls1_3' (see tls-probe --help)"],
    [['--tls1_3', '--max-tls', '1.2', 'h'], /^option '--tls1_3' cannot be used with option '--max-tls <version>'/],
    [['--min-tls', '1.3', '--max-tls', '1.2', 'h'], '--min-tls 1.3 is above --max-tls 1.2: no protocol version left'],
    [['--min-tls', '1.4', 'h'], "--min-tls expects 1.0, 1.1, 1.2 or 1.3, got '1.4'"],
    [['--min-tls', '1.2', '--max-tls', '1.0', 'h'], '--min-tls 1.2 is above --max-tls 1.0: no protocol version left'],
    [['--tls1', '--tls1_2', 'h'], /cannot be used with option/],
    [['--cert', 'c.pem', 'h'], '--cert needs --key (the private key for the certificate)'],
    [['--key', 'k.pem', 'h'], '--key needs --cert (the certificate for the key)'],
    [
      ['--groups', 'x448', 'h'],
      "unknown group 'x448' in --groups (known: X25519MLKEM768, x25519, P-256, P-384, P-521, SecP256r1MLKEM768, SecP384r1MLKEM1024, MLKEM768, MLKEM1024)",
    ],
    [['--groups', 'P-256:secp256r1', 'h'], '--groups names secp256r1 twice (aliases count as the same group)'],
    [['--groups', 'x25519,,P-256', 'h'], "--groups has an empty entry in 'x25519,,P-256' (see tls-probe --help)"],
    [
      ['--ciphersuites', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'h'],
      'ECDHE-ECDSA-AES128-GCM-SHA256 is a TLS 1.2 suite: give it to --cipher, not --ciphersuites',
    ],
    [
      ['--cipher', 'TLS_AES_128_GCM_SHA256', 'h'],
      'TLS_AES_128_GCM_SHA256 is a TLS 1.3 suite: give it to --ciphersuites, not --cipher',
    ],
    [
      ['--cipher', 'HIGH:!aNULL', 'h'],
      /^unknown TLS 1\.2 cipher suite 'HIGH' in --cipher \(known: ECDHE-ECDSA-AES256-GCM-SHA384, /,
    ],
    [
      ['--sigalgs', 'dsa_sha256', 'h'],
      /^unknown signature algorithm 'dsa_sha256' in --sigalgs \(known: ecdsa_secp256r1_sha256, /,
    ],
    [['--alpn', 'h2,,x', 'h'], "--alpn has an empty entry in 'h2,,x' (see tls-probe --help)"],
    [['--alpn', 'x'.repeat(256), 'h'], /^ALPN protocol 'x{20}\.\.\.' is longer than 255 bytes$/],
    [
      ['--max-send-fragment', '100', 'h'],
      "--max-send-fragment expects a whole number from 512 to 16384, got '100' (see tls-probe --help)",
    ],
    [
      ['--max-send-fragment', '16385', 'h'],
      "--max-send-fragment expects a whole number from 512 to 16384, got '16385' (see tls-probe --help)",
    ],
    [['--max-fragment-length', '8192', 'h'], "--max-fragment-length expects 512, 1024, 2048 or 4096, got '8192'"],
    [
      ['--sndbuf', '4k', 'h'],
      "--sndbuf expects a whole number of bytes from 1 to 67108864, got '4k' (see tls-probe --help)",
    ],
    [
      ['--connect-timeout', '0', 'h'],
      "--connect-timeout expects a whole number of ms from 1 to 3600000, got '0' (see tls-probe --help)",
    ],
    [
      ['--timeout', '1.5', 'h'],
      "--timeout expects a whole number of ms from 1 to 86400000, got '1.5' (see tls-probe --help)",
    ],
    [
      ['--ticket-wait', '-5', 'h'],
      "--ticket-wait expects a whole number of ms from 0 to 60000, got '-5' (see tls-probe --help)",
    ],
    [['--reconnect', 'x', 'h'], "--reconnect expects a whole number from 0 to 1000, got 'x' (see tls-probe --help)"],
    [
      ['--starttls', 'http', 'h'],
      "--starttls 'http' is not supported (choose from: smtp, imap, pop3, ftp, xmpp, postgres, ldap, lmtp, nntp, sieve, irc, mysql, xmpp-server)",
    ],
    [['--crypto', 'openssl', 'h'], "--crypto expects node or noble, got 'openssl'"],
    [['--expect-resume', 'h'], '--expect-resume needs something to resume: --sess-in <file> or --reconnect'],
    [
      ['--servername', '10.0.0.1', 'h'],
      "--servername '10.0.0.1' is an IP address, which SNI cannot carry (RFC 6066 §3); use --no-servername",
    ],
    [['--servername', 'x.test', '--no-servername', 'h'], '--servername and --no-servername exclude each other'],
    [['--json', '--quiet', 'h'], "option '--json' cannot be used with option '--quiet' (see tls-probe --help)"],
    [['--brief', '--json', 'h'], "option '--brief' cannot be used with option '--json' (see tls-probe --help)"],
    [
      ['--insecure', '--verify-return-error', 'h'],
      "option '--insecure' cannot be used with option '--verify-return-error' (see tls-probe --help)",
    ],
  ];
  for (const [argv, message] of cases) {
    it(`${JSON.stringify(argv).slice(0, 70)} -> ${String(message).slice(0, 60)}`, () => rejects(argv, message));
  }
});

describe('--help and --version', () => {
  /** Runs fn with process.exit replaced by a thrower, so a commander exit fails the test. */
  function noExit<T>(fn: () => T): T {
    const real = process.exit;
    process.exit = ((code?: number) => {
      throw new Error(`process.exit(${code}) was called`);
    }) as typeof process.exit;
    try {
      return fn();
    } finally {
      process.exit = real;
    }
  }
  const info = (argv: string[]): InfoRequest => {
    try {
      noExit(() => parseArgs(argv, {}));
    } catch (e) {
      if (e instanceof InfoRequest) return e;
      throw e;
    }
    assert.fail(`${argv.join(' ')} did not request help/version`);
  };

  it('--help is grouped under the spec headings, in order, with the three example uses', () => {
    const h = info(['--help']);
    assert.equal(h.kind, 'help');
    const at = ['Connection:', 'Verification:', 'Sessions:', 'SSL engine modes:', 'Output:', 'Examples:'].map((x) =>
      h.text.indexOf(`\n${x}\n`),
    );
    assert.ok(
      at.every((i) => i > 0),
      `headings at ${at.join(',')}`,
    );
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
    );
    const examples = h.text.slice(at[5]);
    assert.match(examples, /tls-probe .*example\.com/);
    assert.match(examples, /--sess-out .*\n.*--sess-in .*--expect-resume/);
    assert.match(examples, /--partial-write --sndbuf \d+ --io-trace/);
    const sessions = h.text.slice(at[2], at[3]);
    for (const f of ['--sess-out', '--sess-in', '--ticket-wait', '--reconnect', '--expect-resume'])
      assert.ok(sessions.includes(f), f);
  });
  it('--version prints the package version; -h works too', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(info(['--version']).text, `${pkg.version}\n`);
    assert.equal(info(['-h']).kind, 'help');
  });
  it('a usage error does not call process.exit either', () => {
    assert.throws(() => noExit(() => parseArgs(['--nope'], {})), UsageError);
  });
});

describe('validateFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-opts-'));
  const file = join(dir, 'root.pem');
  writeFileSync(file, '-----BEGIN CERTIFICATE-----\n');
  mkdirSync(join(dir, 'sub'));
  const check = (argv: string[]): void => validateFiles(parseArgs([...argv, 'h'], {}));
  const fails = (argv: string[], message: string): void => {
    assert.throws(
      () => check(argv),
      (e: unknown) => e instanceof UsageError && e.message === message,
    );
  };

  it('readable files and writable locations pass', () => {
    check([
      '--cafile',
      file,
      '--capath',
      dir,
      '--cert',
      file,
      '--key',
      file,
      '--sess-in',
      file,
      '--sess-out',
      join(dir, 's.pem'),
      '--keylogfile',
      join(dir, 'k.log'),
    ]);
  });
  it('a missing input file is named with its errno', () => {
    fails(['--cafile', join(dir, 'nope.pem')], `cannot read --cafile ${join(dir, 'nope.pem')}: ENOENT (no such file)`);
    fails(['--sess-in', '/nonexistent/s.pem'], 'cannot read --sess-in /nonexistent/s.pem: ENOENT (no such file)');
  });
  it('a directory where a file belongs, a file where a directory belongs', () => {
    fails(['--cert', dir, '--key', file], `cannot read --cert ${dir}: EISDIR (is a directory)`);
    fails(['--capath', file], `cannot read --capath ${file}: ENOTDIR (not a directory)`);
  });
  it('--sess-out in a missing directory is refused before anything is sent', () => {
    fails(
      ['--sess-out', '/nonexistent/dir/s.pem'],
      'cannot write --sess-out /nonexistent/dir/s.pem: ENOENT (no such file)',
    );
    fails(['--sess-out', join(dir, 'sub')], `cannot write --sess-out ${join(dir, 'sub')}: EISDIR (is a directory)`);
  });
  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
