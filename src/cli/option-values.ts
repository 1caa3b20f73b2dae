/**
 * Value parsers behind the command line (spec/cli.md "Options"): targets, numeric ranges, name
 * lists checked against the names.ts tables, and the file checks of validateFiles.
 * Every failure is a UsageError whose message names the flag and, where useful, a hint.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isIP, isIPv4 } from 'node:net';
import { UsageError } from './errors.js';
import {
  groupByName,
  ProtocolVersion,
  suiteByName,
  TLS12_SUITES,
  PSK_SUITES,
  TLS13_SUITES,
  versionByFlag,
  versionFlag,
  type GroupName,
} from '../tls/codec/names.js';
import { sigSchemeByName, SIGNATURE_SCHEMES } from '../tls/codec/sigschemes.js';
import { fileProblem } from './files.js';
import type { CliOptions, TlsVersion } from './cli-options.js';

export const HINT = '(see tls-probe --help)';

/** A UsageError (exit 2). */
export function usage(msg: string): UsageError {
  return new UsageError(msg);
}

/** A whole number in [min, max] or a UsageError naming the flag and the range. */
export function intIn(flag: string, raw: string, min: number, max: number, unit = ''): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usage(`${flag} expects a whole number${unit} from ${min} to ${max}, got '${raw}' ${HINT}`);
  }
  return n;
}

/** Splits a list flag, refusing empty and repeated entries. */
export function listOf(flag: string, raw: string, sep: RegExp): string[] {
  const items = raw.split(sep).map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw usage(`${flag} has an empty entry in '${raw}' ${HINT}`);
  const seen = new Set<string>();
  for (const s of items) {
    if (seen.has(s.toLowerCase())) throw usage(`${flag} lists '${s}' twice`);
    seen.add(s.toLowerCase());
  }
  return items;
}

/** Parses "host", "host:port", "[v6]:port", "[v6]" or a bare IPv6 literal. */
export function parseTarget(raw: string, flag = 'target'): { host: string; port: number; hostIp: 0 | 4 | 6 } {
  const t = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t))
    throw usage(
      `${flag} '${raw}' looks like a URL; give host[:port], e.g. ${t.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? 'example.com'}`,
    );
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(t);
  if (bracket) {
    host = bracket[1] ?? '';
    portText = bracket[2];
    if (ipFamily(host) !== 6) throw usage(`${flag} '${raw}': only IPv6 literals go in brackets`);
  } else if (ipFamily(t) === 6) {
    host = t;
  } else if ((t.match(/:/g) ?? []).length > 1) {
    throw usage(`${flag} '${raw}': write IPv6 literals with brackets, e.g. [::1]:443`);
  } else {
    const i = t.lastIndexOf(':');
    host = i < 0 ? t : t.slice(0, i);
    portText = i < 0 ? undefined : t.slice(i + 1);
  }
  if (host === '') throw usage(`${flag} '${raw}' has no host ${HINT}`);
  if (/[\s/@]/.test(host)) throw usage(`${flag} '${raw}': '${host}' is not a host name or IP address`);
  const port = portText === undefined ? 443 : intIn(`port in ${flag} '${raw}'`, portText, 1, 65535);
  return { host, port, hostIp: ipFamily(host) };
}

/**
 * node:net's isIP as 0, 4 or 6, without its IPv6 test for a string with fewer than two colons
 * (the shortest IPv6 address is "::"): the first IPv6 test in a process compiles Node's large IPv6
 * regular expression, ~8 ms of a cold start's CPU (--cpu-prof, Node 20), for a host name or a
 * host:port that cannot be IPv6.
 */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (s.indexOf(':') === s.lastIndexOf(':')) return isIPv4(s) ? 4 : 0;
  return isIP(s) === 6 ? 6 : 0;
}

/** "1.2" / "1.3" (a TLSv prefix is allowed) as a protocol version. */
export function parseVersion(flag: string, raw: string): TlsVersion {
  const v = raw.trim().replace(/^tlsv?/i, '');
  const version = versionByFlag(v === '1' ? '1.0' : v);
  if (version === undefined) throw usage(`${flag} expects 1.0, 1.1, 1.2 or 1.3, got '${raw}'`);
  return version as TlsVersion;
}

/**
 * The versions to offer: TLS 1.2-1.3 unless --min-tls/--max-tls or one of --tls1, --tls1_1,
 * --tls1_2, --tls1_3 (that version only; commander refuses two of them) say otherwise.
 */
export function versionRange(o: Record<string, unknown>): { minVersion: TlsVersion; maxVersion: TlsVersion } {
  let minVersion: TlsVersion =
    o['minTls'] !== undefined ? parseVersion('--min-tls', String(o['minTls'])) : ProtocolVersion.TLS1_2;
  let maxVersion: TlsVersion =
    o['maxTls'] !== undefined ? parseVersion('--max-tls', String(o['maxTls'])) : ProtocolVersion.TLS1_3;
  const only = (['tls1', 'tls1_1', 'tls1_2', 'tls1_3'] as const).findIndex((k) => o[k] === true);
  if (only >= 0) minVersion = maxVersion = (ProtocolVersion.TLS1_0 + only) as TlsVersion;
  if (minVersion > maxVersion)
    throw usage(
      `--min-tls ${versionFlag(minVersion)} is above --max-tls ${versionFlag(maxVersion)}: no protocol version left`,
    );
  return { minVersion, maxVersion };
}

/** --groups names (OpenSSL spellings and aliases) as group names, in order. */
export function parseGroups(raw: string): GroupName[] {
  return listOf('--groups', raw, /[:,]/)
    .map((n) => {
      const g = groupByName(n);
      if (!g)
        throw usage(
          `unknown group '${n}' in --groups (known: X25519MLKEM768, x25519, P-256, P-384, P-521, SecP256r1MLKEM768, SecP384r1MLKEM1024, MLKEM768, MLKEM1024)`,
        );
      return g.name;
    })
    .filter((g, i, all) => {
      if (all.indexOf(g) !== i) throw usage(`--groups names ${g} twice (aliases count as the same group)`);
      return true;
    });
}

/** --ciphersuites / --cipher names as suite ids; a suite of the other version gets a pointer to the right flag. */
export function parseSuites(flag: '--ciphersuites' | '--cipher', raw: string): number[] {
  const want = flag === '--ciphersuites' ? TLS13_SUITES : [...TLS12_SUITES, ...PSK_SUITES];
  return listOf(flag, raw, /[:,]/).map((n) => {
    const s = suiteByName(n);
    if (s && !want.includes(s)) {
      throw usage(
        s.version === ProtocolVersion.TLS1_3
          ? `${n} is a TLS 1.3 suite: give it to --ciphersuites, not --cipher`
          : `${n} is a TLS 1.2 suite: give it to --cipher, not --ciphersuites`,
      );
    }
    if (!s)
      throw usage(
        `unknown ${flag === '--cipher' ? 'TLS 1.2' : 'TLS 1.3'} cipher suite '${n}' in ${flag} (known: ${want.map((x) => x.openssl).join(', ')})`,
      );
    return s.id;
  });
}

/**
 * An OpenSSL-style --cipher string: suite names, `DEFAULT` (our default TLS 1.2 list, in place) and
 * `@SECLEVEL=n` (SSL_CTX_set_security_level, as in 'DEFAULT:@SECLEVEL=0'). `suites` is null when
 * the string only sets the level.
 */
export function parseCipherString(raw: string): { suites: number[] | null; securityLevel: number | null } {
  let securityLevel: number | null = null;
  const names: string[] = [];
  for (const item of listOf('--cipher', raw, /[:,]/)) {
    const level = /^@SECLEVEL=(.*)$/i.exec(item);
    if (level) securityLevel = intIn('--cipher @SECLEVEL', level[1] ?? '', 0, 5);
    else names.push(item);
  }
  if (names.length === 0) return { suites: null, securityLevel };
  const ids = names.flatMap((n) =>
    n.toUpperCase() === 'DEFAULT' ? TLS12_SUITES.map((s) => s.id) : parseSuites('--cipher', n),
  );
  return { suites: ids.filter((id, i) => ids.indexOf(id) === i), securityLevel };
}

/** OpenSSL sigalg names (ecdsa_secp256r1_sha256) and the "ECDSA+SHA256" / "RSA-PSS+SHA256" forms. */
export function parseSigalgs(raw: string): number[] {
  return listOf('--sigalgs', raw, /[:,]/).map((n) => {
    const direct = sigSchemeByName(n);
    if (direct) return direct.id;
    const plus = /^(ecdsa|rsa|rsa-pss|pss)\+(sha1|sha256|sha384|sha512)$/i.exec(n);
    if (plus?.[1] && plus[2]) {
      const kind =
        plus[1].toLowerCase() === 'ecdsa' ? 'ecdsa' : plus[1].toLowerCase() === 'rsa' ? 'rsa-pkcs1' : 'rsa-pss';
      const hash = plus[2].toLowerCase();
      const s = SIGNATURE_SCHEMES.find((x) => x.kind === kind && x.hash === hash);
      if (s) return s.id;
    }
    throw usage(
      `unknown signature algorithm '${n}' in --sigalgs (known: ${SIGNATURE_SCHEMES.map((s) => s.name).join(', ')})`,
    );
  });
}

/** --alpn protocols (commas; each 1..255 bytes). */
export function parseAlpn(raw: string): string[] {
  const list = listOf('--alpn', raw, /,/);
  for (const p of list) {
    if (Buffer.byteLength(p) > 255) throw usage(`ALPN protocol '${p.slice(0, 20)}...' is longer than 255 bytes`);
  }
  return list;
}

/** Checks that input files are readable and output locations writable; throws UsageError naming the file. */
export function validateFiles(opts: CliOptions): void {
  const inputs: [string, string | null, 'file' | 'dir'][] = [
    ['--cafile', opts.cafile, 'file'],
    ['--capath', opts.capath, 'dir'],
    ['--cert', opts.cert, 'file'],
    ['--key', opts.key, 'file'],
    ['--sess-in', opts.sessIn, 'file'],
  ];
  for (const [name, path, kind] of inputs) {
    if (path === null) continue;
    try {
      const st = statSync(path);
      if (kind === 'file' && st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (kind === 'dir' && !st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      accessSync(path, fsConstants.R_OK);
    } catch (e) {
      throw fileProblem(name, path, 'read', e);
    }
  }
  const outputs: [string, string | null][] = [
    ['--sess-out', opts.sessOut],
    ['--keylogfile', opts.keylogfile],
  ];
  for (const [name, path] of outputs) {
    if (path === null) continue;
    try {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      accessSync(dirname(path), fsConstants.W_OK);
    } catch (e) {
      throw fileProblem(name, path, 'write', e);
    }
  }
}
