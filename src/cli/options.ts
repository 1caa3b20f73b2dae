/**
 * The command line (spec/cli.md "Options"): a commander 14 program whose help is grouped as the
 * spec groups it, and a parser that turns argv into a fully validated, typed CliOptions.
 * Bad usage throws UsageError (exit 2, decided in exit.ts); commander never exits by itself.
 */
import { addEarlyDataOptions, addPhaOption, validateTls13Options } from './options-tls13.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from './errors.js';
import { Mode } from '../tls/types.js';
import { MaxFragmentLength } from '../tls/codec/registry.js';
import { STARTTLS_PROTOCOLS, type CliOptions, type OutputMode, type StartTlsProtocol } from './cli-options.js';
import {
  HINT,
  intIn,
  ipFamily,
  parseAlpn,
  parseGroups,
  parseSigalgs,
  parseCipherString,
  parseSuites,
  parseTarget,
  versionRange,
  usage,
} from './option-values.js';
import {
  addExporterOptions,
  addStatusOptions,
  addInteractiveOptions,
  addNetworkOptions,
  toALabel,
  validateScriptOptions,
} from './options-script.js';
import { translateSclientArgs } from './sclient-args.js';
import { addCertificateOptions, certificateOptions } from './options-x509.js';
import { parseCertCompression } from './ech-values.js';
import { addProtocolOptions, validatePskOptions } from './options-protocol.js';
import { addEchOptions, echOptions } from './options-ech.js';

export { parseTarget, validateFiles } from './option-values.js';

export { STARTTLS_PROTOCOLS } from './cli-options.js';
export type { CliOptions, OutputMode, StartTlsProtocol, TlsVersion } from './cli-options.js';

/** Thrown for --help and --version: exit.ts prints `text` on stdout and exits 0. */
export class InfoRequest extends Error {
  override readonly name = 'InfoRequest';
  constructor(
    readonly kind: 'help' | 'version',
    readonly text: string,
  ) {
    super(kind);
  }
}

const EXAMPLES = `
Examples:
  Probe a server: what it negotiates, its chain, whether it verifies
    tls-probe example.com </dev/null
    tls-probe --json --alpn h2,http/1.1 example.com:443 </dev/null

  Check session resumption in a script (exit 4 if the session is not resumed)
    tls-probe --quiet --sess-out /tmp/s.pem example.com </dev/null
    tls-probe --quiet --sess-in /tmp/s.pem --expect-resume example.com </dev/null

  s_client's single-dash spellings work too (an s_client option tls-probe lacks is exit 2)
    tls-probe -connect example.com:443 -servername example.com -CAfile ca.pem </dev/null

  Watch partial writes and WANT_WRITE with a 4 KiB emulated send buffer
    head -c 100000 /dev/zero | tls-probe --partial-write --sndbuf 4096 --io-trace localhost:4433

Exit status: 0 ok, 1 connection/TLS failure, 2 usage error, 3 verification failed,
4 --expect-resume not met, 5 --sess-out without a resumable session, 6 ECH not accepted.`;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Output captured from commander, which otherwise writes to the process streams. */
interface Sink {
  out: string;
  err: string;
}

/** Builds the commander program (fresh per parse; commander objects hold parse state). */
export function buildProgram(sink: Sink = { out: '', err: '' }): Command {
  const p = new Command('tls-probe');
  p.description(
    'A TLS 1.2/1.3 client in the spirit of openssl s_client: probe what a server negotiates,\ncheck session resumption, and watch OpenSSL SSL_MODE_* semantics at work.',
  )
    .usage('[options] <host[:port]>')
    .argument('[target]', 'host[:port] to connect to; the port defaults to 443, IPv6 literals as [::1]:443')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        sink.out += s;
      },
      writeErr: (s) => {
        sink.err += s;
      },
      outputError: () => {},
      getOutHelpWidth: () => Math.min(process.stdout.columns || 100, 100),
      getErrHelpWidth: () => 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });
  p.optionsGroup('Connection:');
  p.option('--connect <host:port>', 'the target, as s_client spells it (alias of the positional argument)');
  p.option('--servername <name>', 'SNI to send and name to verify (default: the host unless it is an IP literal)');
  p.option('--no-servername', 'send no SNI');
  p.option('--alpn <p1,p2>', 'offer these ALPN protocols, e.g. h2,http/1.1');
  addProtocolOptions(p);
  addEchOptions(p);
  p.option(
    '--connect-timeout <ms>',
    'limit for the TCP connection, a STARTTLS exchange and the TLS handshake (default 10000)',
  );
  p.option('--timeout <ms>', 'give up after this long without traffic, the handshake included (default: no limit)');
  p.option('--cert <file>', 'client certificate chain (PEM); needs --key');
  p.option('--key <file>', 'private key (PEM) for --cert');
  addPhaOption(p);
  p.option('--starttls <proto>', `upgrade a plain-text session first: ${STARTTLS_PROTOCOLS.join(', ')}`);
  p.option('--crypto <provider>', 'crypto provider: node (node:crypto, the default) or noble (@noble/*)');
  addNetworkOptions(p);

  p.optionsGroup('Verification:');
  p.option('--cafile <file>', 'trust anchors (PEM) instead of the platform roots');
  p.option('--capath <dir>', 'directory of trust anchors (PEM files)');
  p.addOption(
    new Option('--insecure', 'continue after a failed verification or RSA keyUsage (reported)').conflicts(
      'verifyReturnError',
    ),
  );
  p.option('--verify-return-error', 'abort on a verification failure (the default; for s_client compatibility)');
  p.option('--showcerts', 'print the whole certificate chain as PEM');
  addStatusOptions(p);
  addCertificateOptions(p);

  p.optionsGroup('Sessions:');
  p.option('--sess-out <file>', 'write the session (OpenSSL PEM, mode 0600, atomically) once one is available');
  p.option('--sess-in <file>', 'offer this saved session (TLS 1.3 PSK, TLS 1.2 session ID or ticket)');
  p.option('--ticket-wait <ms>', 'TLS 1.3: how long to wait for a NewSessionTicket before closing (default 1000)');
  p.option('--reconnect [n]', 'reconnect n times (default 5) resuming the latest session');
  p.option('--expect-resume', 'exit with code 4 unless every resumption attempt was accepted');
  addEarlyDataOptions(p);

  p.optionsGroup('SSL engine modes:');
  p.option('--partial-write', 'SSL_MODE_ENABLE_PARTIAL_WRITE: SSL_write returns after each flushed record');
  p.option('--accept-moving-write-buffer', 'SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: a retried write may use a new buffer');
  p.option('--auto-retry', 'SSL_MODE_AUTO_RETRY (off by default here, as s_client clears it)');
  p.option('--release-buffers', 'SSL_MODE_RELEASE_BUFFERS: drop idle record buffers');
  p.option('--max-send-fragment <n>', 'plaintext bytes per record, 512-16384 (default 16384)');
  p.option('--max-fragment-length <n>', 'request RFC 6066 max_fragment_length: 512, 1024, 2048 or 4096');
  p.option('--sndbuf <bytes>', 'emulate a non-blocking socket whose send buffer holds this many bytes');
  p.option('--io-trace', 'print every SSL_read/SSL_write call and its result on stderr');

  p.optionsGroup('Output:');
  p.addOption(new Option('--brief', 'short report on stderr').conflicts(['json', 'quiet']));
  p.addOption(new Option('--json', 'one JSON document on stdout, no interactive echo').conflicts(['quiet']));
  p.option('--quiet', 'no report at all');
  p.option('--msg', 'one line per handshake message, alert or CCS sent (>>>) or received (<<<)');
  p.option('--trace', 'decode every handshake message field by field');
  p.option('--state', 'print handshake state transitions');
  p.option('--keylogfile <file>', 'append NSS key log lines (default: $SSLKEYLOGFILE)');
  p.option('--color', 'colour key words of the report on a terminal (the default)');
  p.option('--no-color', 'never colour (also when NO_COLOR is set)');
  p.option('--ign-eof', 'keep the connection open after end of standard input');
  p.option('--crlf', 'send LF from standard input as CRLF');
  addInteractiveOptions(p);
  addExporterOptions(p);
  p.version(packageVersion(), '-V, --version', 'print the version and exit');
  p.helpOption('-h, --help', 'print this help and exit');
  p.addHelpText('after', EXAMPLES);
  return p;
}

/** The full --help text (grouped, with Examples), as printed on stdout. */
export function helpText(): string {
  const sink = { out: '', err: '' };
  buildProgram(sink).outputHelp();
  return sink.out;
}

/** Parses argv (without node and script) into validated CliOptions; throws UsageError or InfoRequest. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const sink = { out: '', err: '' };
  const program = buildProgram(sink);
  const args = translateSclientArgs(argv, program); // -connect, -CAfile, -sess_in ... as our long options
  try {
    program.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw fromCommander(e, sink.out);
    throw e;
  }
  return validate(program.opts(), program.args, args, env);
}

/** s_client spellings (-sess_out, -CAfile) and near misses mapped to our long options. */
function suggestion(token: string): string | null {
  const bare = token.replace(/^-+/, '').split('=')[0] ?? '';
  const known = buildProgram()
    .options.map((o) => o.long)
    .filter((l): l is string => !!l);
  const candidates = [bare.toLowerCase(), bare.toLowerCase().replace(/_/g, '-'), bare.toLowerCase().replace(/-/g, '_')];
  const alias: Record<string, string> = { noservername: 'no-servername', 'no-servername': 'no-servername' };
  for (const c of candidates) {
    const name = alias[c] ?? c;
    if (known.includes(`--${name}`)) return `--${name}`;
  }
  return null;
}

function fromCommander(e: CommanderError, out: string): Error {
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return new InfoRequest('help', out);
  if (e.code === 'commander.version') return new InfoRequest('version', out);
  if (e.code === 'commander.excessArguments')
    return new UsageError(`too many arguments: give one target host[:port] ${HINT}`);
  const lines = e.message.replace(/^error: /, '').split('\n');
  let msg = (lines[0] ?? '').replace(/\.$/, '');
  const did = /Did you mean (\S+?)\??\)?$/.exec(lines[1] ?? '');
  const unknown = /^unknown option '([^']+)'/.exec(msg);
  if (did) msg += ` (did you mean ${did[1]}?)`;
  else if (unknown?.[1] && suggestion(unknown[1]))
    msg += ` (did you mean ${suggestion(unknown[1])}? tls-probe takes --long options)`;
  else msg += ` ${HINT}`;
  return new UsageError(msg);
}

/** Was this long flag given on the command line (before "--")? */
function given(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === flag || a.startsWith(`${flag}=`));
}

type Raw = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const flag = (v: unknown): boolean => v === true;

function validate(o: Raw, args: string[], argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let positional = args[0] ?? null;
  // `--reconnect host` swallows the target as the optional count: give it back.
  let reconnectRaw = o['reconnect'];
  if (
    typeof reconnectRaw === 'string' &&
    !/^\d+$/.test(reconnectRaw) &&
    positional === null &&
    o['connect'] === undefined
  ) {
    positional = reconnectRaw;
    reconnectRaw = true;
  }
  const connect = str(o['connect']);
  if (positional !== null && connect !== null)
    throw usage(`give the target once: '${positional}' and --connect ${connect}`);
  const targetRaw = positional ?? connect;
  if (targetRaw === null) throw usage(`missing target host[:port] ${HINT}`);
  const parsed = parseTarget(targetRaw, connect !== null ? '--connect' : 'target');
  const { port, hostIp } = parsed;
  const host = toALabel(connect !== null ? '--connect' : 'target', parsed.host);
  const target = hostIp === 6 ? `[${host}]:${port}` : `${host}:${port}`;

  if (given(argv, '--servername') && given(argv, '--no-servername'))
    throw usage('--servername and --no-servername exclude each other');
  let servername: string | null = hostIp === 0 ? host : null;
  if (o['servername'] === false) servername = null;
  if (typeof o['servername'] === 'string') {
    const n = o['servername'];
    if (n === '' || n.length > 255 || /[\s/]/.test(n)) throw usage(`--servername '${n}' is not a valid host name`);
    if (ipFamily(n) !== 0)
      throw usage(`--servername '${n}' is an IP address, which SNI cannot carry (RFC 6066 §3); use --no-servername`);
    servername = toALabel('--servername', n);
  }
  const verifyHost = typeof o['servername'] === 'string' ? (servername ?? host) : host;

  const { minVersion, maxVersion } = versionRange(o);

  const cert = str(o['cert']);
  const key = str(o['key']);
  if (cert !== null && key === null) throw usage('--cert needs --key (the private key for the certificate)');
  if (key !== null && cert === null) throw usage('--key needs --cert (the certificate for the key)');

  const starttls = str(o['starttls']);
  if (starttls !== null && !(STARTTLS_PROTOCOLS as readonly string[]).includes(starttls.toLowerCase())) {
    throw usage(`--starttls '${starttls}' is not supported (choose from: ${STARTTLS_PROTOCOLS.join(', ')})`);
  }
  const crypto = str(o['crypto']) ?? 'node';
  if (crypto !== 'node' && crypto !== 'noble') throw usage(`--crypto expects node or noble, got '${crypto}'`);

  const reconnect =
    reconnectRaw === undefined ? 0 : reconnectRaw === true ? 5 : intIn('--reconnect', String(reconnectRaw), 0, 1000);
  const sessIn = str(o['sessIn']);
  const expectResume = flag(o['expectResume']);
  if (expectResume && sessIn === null && reconnect === 0)
    throw usage('--expect-resume needs something to resume: --sess-in <file> or --reconnect');

  const mflRaw = str(o['maxFragmentLength']);
  let maxFragmentLength: CliOptions['maxFragmentLength'] = 0;
  if (mflRaw !== null) {
    const n = Number(mflRaw.trim());
    if (!(n === 512 || n === 1024 || n === 2048 || n === 4096))
      throw usage(`--max-fragment-length expects 512, 1024, 2048 or 4096, got '${mflRaw}'`);
    maxFragmentLength = n;
  }
  const partialWrite = flag(o['partialWrite']);
  const acceptMovingWriteBuffer = flag(o['acceptMovingWriteBuffer']);
  const autoRetry = flag(o['autoRetry']);
  const releaseBuffers = flag(o['releaseBuffers']);
  const output: OutputMode = flag(o['json'])
    ? 'json'
    : flag(o['brief'])
      ? 'brief'
      : flag(o['quiet'])
        ? 'quiet'
        : 'report';
  const timeout = str(o['timeout']);
  const sndbuf = str(o['sndbuf']);
  const cipher = typeof o['cipher'] === 'string' ? parseCipherString(o['cipher']) : null;
  const seclevel = str(o['seclevel']);
  if (seclevel !== null && cipher?.securityLevel != null)
    throw usage('--seclevel and --cipher @SECLEVEL= both set the security level: give one');
  const securityLevel = seclevel !== null ? intIn('--seclevel', seclevel, 0, 5) : (cipher?.securityLevel ?? null);

  return {
    ...validateScriptOptions(o, hostIp),
    ...validateTls13Options(o),
    ...validatePskOptions(o),
    host,
    port,
    hostIp,
    target,
    servername,
    verifyHost,
    alpn: typeof o['alpn'] === 'string' ? parseAlpn(o['alpn']) : [],
    minVersion,
    maxVersion,
    groups: typeof o['groups'] === 'string' ? parseGroups(o['groups']) : null,
    certCompression:
      o['certCompression'] === false
        ? []
        : typeof o['certCompression'] === 'string'
          ? parseCertCompression(o['certCompression'])
          : null,
    ciphersuites: typeof o['ciphersuites'] === 'string' ? parseSuites('--ciphersuites', o['ciphersuites']) : null,
    cipher: cipher?.suites ?? null,
    securityLevel,
    legacyServerConnect: o['legacyServerConnect'] !== false,
    renegotiation: o['renegotiation'] !== false,
    legacyRenegotiation: flag(o['legacyRenegotiation']),
    sigalgs: typeof o['sigalgs'] === 'string' ? parseSigalgs(o['sigalgs']) : null,
    connectTimeoutMs: intIn('--connect-timeout', str(o['connectTimeout']) ?? '10000', 1, 3_600_000, ' of ms'),
    timeoutMs: timeout === null ? null : intIn('--timeout', timeout, 1, 86_400_000, ' of ms'),
    cert,
    key,
    starttls: starttls === null ? null : (starttls.toLowerCase() as StartTlsProtocol),
    crypto,
    cafile: str(o['cafile']),
    capath: str(o['capath']),
    insecure: flag(o['insecure']),
    verifyReturnError: flag(o['verifyReturnError']),
    showcerts: flag(o['showcerts']),
    sessOut: str(o['sessOut']),
    sessIn,
    ticketWaitMs: intIn('--ticket-wait', str(o['ticketWait']) ?? '1000', 0, 60_000, ' of ms'),
    reconnect,
    expectResume,
    partialWrite,
    acceptMovingWriteBuffer,
    autoRetry,
    releaseBuffers,
    mode:
      (partialWrite ? Mode.ENABLE_PARTIAL_WRITE : 0) |
      (acceptMovingWriteBuffer ? Mode.ACCEPT_MOVING_WRITE_BUFFER : 0) |
      (autoRetry ? Mode.AUTO_RETRY : 0) |
      (releaseBuffers ? Mode.RELEASE_BUFFERS : 0),
    maxSendFragment: intIn('--max-send-fragment', str(o['maxSendFragment']) ?? '16384', 512, 16384),
    maxFragmentLength,
    maxFragmentLengthCode: maxFragmentLength === 0 ? 0 : MaxFragmentLength[maxFragmentLength],
    sndbuf: sndbuf === null ? null : intIn('--sndbuf', sndbuf, 1, 64 * 1024 * 1024, ' of bytes'),
    ioTrace: flag(o['ioTrace']),
    output,
    msg: flag(o['msg']),
    trace: flag(o['trace']),
    state: flag(o['state']),
    keylogfile: str(o['keylogfile']) ?? (env['SSLKEYLOGFILE'] ? env['SSLKEYLOGFILE'] : null),
    color: o['color'] === true ? true : o['color'] === false ? false : null,
    ignEof: flag(o['ignEof']),
    crlf: flag(o['crlf']),
    ...certificateOptions(o),
    ...echOptions(o, maxVersion),
  };
}
