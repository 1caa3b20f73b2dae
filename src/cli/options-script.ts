/**
 * The options that make tls-probe a drop-in for s_client scripts (issue 18): address family
 * (-4/-6), an HTTP CONNECT proxy, stdin commands on or off, and internationalized host names.
 * buildProgram adds them to its groups, validate() folds them into CliOptions; every bad value is
 * a UsageError (exit 2) before anything is sent.
 */
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { domainToASCII } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { HINT, intIn, parseTarget } from './option-values.js';
import { RESERVED_EXPORTER_LABELS } from '../tls/handshake/exporter.js';
import { fileProblem } from './files.js';
import type { ProxyOptions, ScriptOptions } from './cli-options.js';

/** --connect group additions: -4, -6 and the proxy. */
export function addNetworkOptions(p: Command): void {
  p.option('-4, --ipv4', 'use IPv4 only (IPv6 addresses are never tried)');
  p.option('-6, --ipv6', 'use IPv6 only (IPv4 addresses are never tried)');
  p.option('--proxy <host:port>', 'connect through this HTTP proxy (CONNECT host:port HTTP/1.1)');
  p.option('--proxy-user <user>', 'user name for the proxy (Basic authentication); needs --proxy-pass');
  p.option('--proxy-pass <password>', "the proxy password: literal, or s_client's pass:<p>, env:<var>, file:<path>");
  p.option('--xmpphost <host>', "--starttls xmpp/xmpp-server: the stream's 'to' host (default: the server name)");
  p.option('--starttls-name <host>', '--starttls smtp/lmtp: the name to say in EHLO/LHLO (s_client -name)');
}

/** Verification group additions: OCSP stapling (s_client -status, plus verification and a DER copy). */
export function addStatusOptions(p: Command): void {
  p.option('--status', 'ask for a stapled OCSP response (status_request), verify it and print it');
  p.option('--save-ocsp <file>', 'write the stapled OCSP response (DER) to this file; implies --status');
}

/** Output group additions: the keying-material exporter (s_client -keymatexport, -keymatexportlen). */
export function addExporterOptions(p: Command): void {
  p.option('--keymatexport <label>', 'export keying material with this label (RFC 5705, RFC 8446 §7.5)');
  p.option('--keymatexportlen <n>', 'bytes of keying material to export, 1-8160 (default 20)');
}

/** Output group addition: the stdin command switch. */
export function addInteractiveOptions(p: Command): void {
  p.option(
    '--no-interactive',
    'send the stdin lines R, K, k and Q as data instead of commands (s_client -nocommands, -no-interactive)',
  );
}

/** Any character outside ASCII (code point above 0x7f). */
const nonAscii = (s: string): boolean => [...s].some((c) => (c.codePointAt(0) ?? 0) > 0x7f);
/** A C0 control character or DEL. */
const control = (s: string): boolean => [...s].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\x7f');

/**
 * An internationalized host name as its A-label form (UTS #46 via url.domainToASCII):
 * "bücher.example" → "xn--bcher-kva.example", which is what SNI carries (RFC 6066 §3) and what
 * certificates name (RFC 5280 §7.2). ASCII names are returned unchanged.
 */
export function toALabel(flag: string, name: string): string {
  if (!nonAscii(name)) return name;
  const ascii = domainToASCII(name);
  if (ascii === '') throw new UsageError(`${flag} '${name}' is not a valid internationalized host name`);
  return ascii;
}

/** s_client's password sources (apps/lib/apps.c app_passwd): pass:, env:, file:; anything else is literal. */
function proxyPassword(raw: string): string {
  if (raw.startsWith('pass:')) return raw.slice(5);
  if (raw.startsWith('env:')) {
    const v = process.env[raw.slice(4)];
    if (v === undefined) throw new UsageError(`--proxy-pass ${raw}: environment variable ${raw.slice(4)} is not set`);
    return v;
  }
  if (raw.startsWith('file:')) {
    const path = raw.slice(5);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw fileProblem('--proxy-pass', path, 'read', e);
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  if (raw === 'stdin' || raw.startsWith('fd:'))
    throw new UsageError(`--proxy-pass ${raw}: standard input carries the data; give pass:, env: or file:`);
  return raw;
}

type Raw = Record<string, unknown>;

/** Validates the script-compatibility options; `hostIp` is the family of an IP-literal target (0: a name). */
export function validateScriptOptions(o: Raw, hostIp: 0 | 4 | 6): ScriptOptions {
  const v4 = o['ipv4'] === true;
  const v6 = o['ipv6'] === true;
  if (v4 && v6) throw new UsageError('-4 and -6 exclude each other');
  const family: 0 | 4 | 6 = v4 ? 4 : v6 ? 6 : 0;

  const proxyRaw = typeof o['proxy'] === 'string' ? o['proxy'] : null;
  const user = typeof o['proxyUser'] === 'string' ? o['proxyUser'] : null;
  const passRaw = typeof o['proxyPass'] === 'string' ? o['proxyPass'] : null;
  if (proxyRaw === null && (user !== null || passRaw !== null))
    throw new UsageError(`${user !== null ? '--proxy-user' : '--proxy-pass'} needs --proxy <host:port>`);
  if ((user === null) !== (passRaw === null))
    throw new UsageError(user === null ? '--proxy-pass needs --proxy-user' : '--proxy-user needs --proxy-pass');
  // RFC 7617 §2: the user-id of Basic credentials cannot contain a colon.
  if (user !== null && (user === '' || user.includes(':') || /[\r\n]/.test(user)))
    throw new UsageError(`--proxy-user '${user}' is not a valid user name (empty, or with ':' or a line break)`);
  let proxy: ProxyOptions | null = null;
  if (proxyRaw !== null) {
    const t = parseTarget(proxyRaw, '--proxy');
    if (!/^(\[[^\]]+\]|[^:[\]\s]+):[^:]+$/.test(proxyRaw.trim()))
      throw new UsageError(`--proxy expects host:port, got '${proxyRaw}' ${HINT}`);
    const host = toALabel('--proxy', t.host);
    proxy = {
      host,
      port: t.port,
      target: t.hostIp === 6 ? `[${host}]:${t.port}` : `${host}:${t.port}`,
      user,
      password: passRaw === null ? null : proxyPassword(passRaw),
    };
    if (proxy.password !== null && /[\r\n]/.test(proxy.password))
      throw new UsageError('--proxy-pass: the password has a line break');
    checkFamily(family, t.hostIp, `--proxy ${proxyRaw}`);
  } else {
    checkFamily(family, hostIp, 'the target');
  }
  return {
    family,
    proxy,
    interactive: o['interactive'] !== false,
    xmppHost: hostOption('--xmpphost', o['xmpphost']),
    starttlsName: hostOption('--starttls-name', o['starttlsName']),
    keymatexport: keymat(o),
    status: o['status'] === true || typeof o['saveOcsp'] === 'string',
    saveOcsp: typeof o['saveOcsp'] === 'string' ? writable('--save-ocsp', o['saveOcsp']) : null,
  };
}

/**
 * --keymatexport: a label of 1-249 bytes (TLS 1.3's HKDF label holds 255 with its "tls13 " prefix)
 * that is not one RFC 5705 §4 reserves; --keymatexportlen 1-8160 (HKDF-Expand's limit for SHA-256,
 * RFC 5869 §2.3), default 20 as in s_client.
 */
function keymat(o: Raw): { label: string; length: number } | null {
  const label = typeof o['keymatexport'] === 'string' ? o['keymatexport'] : null;
  const lenRaw = typeof o['keymatexportlen'] === 'string' ? o['keymatexportlen'] : null;
  if (label === null) {
    if (lenRaw !== null) throw new UsageError('--keymatexportlen needs --keymatexport <label>');
    return null;
  }
  const bytes = Buffer.byteLength(label);
  if (bytes < 1 || bytes > 249) throw new UsageError(`--keymatexport label must be 1 to 249 bytes, got ${bytes}`);
  if (RESERVED_EXPORTER_LABELS.some((r) => label.startsWith(r)))
    throw new UsageError(`--keymatexport '${label}' is a label TLS reserves for itself (RFC 5705 §4)`);
  return { label, length: lenRaw === null ? 20 : intIn('--keymatexportlen', lenRaw, 1, 8160) };
}

/** An output file: its directory must be writable and it must not be a directory. */
function writable(flag: string, path: string): string {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    accessSync(dirname(path), fsConstants.W_OK);
  } catch (e) {
    throw fileProblem(flag, path, 'write', e);
  }
  return path;
}

/** A host name for a STARTTLS greeting: no spaces, brackets or control characters (they would break the protocol line). */
function hostOption(flag: string, v: unknown): string | null {
  if (typeof v !== 'string') return null;
  if (v === '' || v.length > 255 || /[\s<>'"]/.test(v) || control(v))
    throw new UsageError(`${flag} '${v}' is not a valid host name`);
  return toALabel(flag, v);
}

/** -4 with an IPv6 literal (or -6 with an IPv4 one) can never connect: say so before trying. */
function checkFamily(family: 0 | 4 | 6, ip: 0 | 4 | 6, what: string): void {
  if (family !== 0 && ip !== 0 && ip !== family)
    throw new UsageError(`-${family} was given but ${what} is an IPv${ip} address`);
}
