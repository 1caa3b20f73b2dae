/**
 * Server identity checks (RFC 6125, RFC 5280 §4.2.1.6): DNS names against SAN dNSName entries,
 * IP literals against SAN iPAddress entries.
 *
 * Rules, and where they differ from OpenSSL's X509_check_host:
 * - Comparison is ASCII case-insensitive; one trailing dot is ignored on both sides.
 * - A wildcard is only honoured as the whole left-most label ("*.wild.test"), matches exactly one
 *   non-empty label, and never an IDNA A-label ("xn--..."). Partial wildcards ("f*.example")
 *   are not honoured (OpenSSL accepts them; RFC 6125 §7.2 and the CA/Browser Forum deprecate them).
 * - A wildcard needs at least two labels after it, so "*.test" or "*.com" match nothing (the same
 *   rule as OpenSSL's valid_star), and never stands directly over a public suffix of the Public
 *   Suffix List's ICANN section ("*.co.uk"), as Chrome (registry_controlled_domains) and Firefox
 *   refuse it; the list is the tldts package's copy.
 * - Internationalized names are compared as A-labels (RFC 5890; RFC 6125 §6.4.2): a reference name
 *   in Unicode is converted with UTS #46 (node:url domainToASCII); a dNSName is an IA5String, so
 *   one with other octets never matches.
 * - A reference name that WHATWG URL parsing would read as an IPv4 address (its last label is a
 *   number, e.g. "0177.0.0.1", "0x7f.1", "127.000.0.1") matches no DNS name: IP literals are
 *   compared in canonical form only, and only against iPAddress entries.
 * - CN-only certificates (no SAN dNSName): REJECTED by default (hostname mismatch, 62), like Go,
 *   Chrome and Firefox, because RFC 6125 §6.4.4 lets a client ignore the CN and the CA/B Forum has
 *   required SANs since 2012. OpenSSL 3.0 (and so `openssl s_client -verify_hostname`) still falls
 *   back to the CN; `cnFallback: true` reproduces that.
 * - IP addresses match only iPAddress entries, byte for byte (IPv4 and IPv6), never a DNS entry or
 *   the CN: a mismatch is X509_V_ERR_IP_ADDRESS_MISMATCH (64), as `-verify_ip` gives.
 */
import { domainToASCII } from 'node:url';
import { libs } from '../libs.js';
import type { GeneralName } from './cert.js';

/** Options of the name check. */
export interface HostCheckOptions {
  /** Fall back to the subject CN when there is no SAN dNSName (OpenSSL's behaviour). */
  cnFallback?: boolean;
}

function stripDot(s: string): string {
  return s.length > 1 && s.endsWith('.') ? s.slice(0, -1) : s;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

/** Whether a reference host name is syntactically a DNS name we are willing to match. */
function validHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((l) => l.length > 0 && l.length <= 63 && LABEL.test(l));
}

/** WHATWG URL's "ends in a number": such a host is an IPv4 address in some notation, not a DNS name. */
function endsInNumber(h: string): boolean {
  const last = h.split('.').pop() ?? '';
  return /^([0-9]+|0x[0-9a-f]*)$/.test(last);
}

/** A name in canonical comparison form: lower-case A-labels without the trailing dot; null if invalid. */
function referenceForm(name: string): string | null {
  let h = stripDot(name);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(h)) h = domainToASCII(h);
  h = h.toLowerCase();
  if (h === '' || (endsInNumber(h) && parseIpv4(h) === null)) return null;
  return h;
}

/** Whether a wildcard's base ("co.uk" of "*.co.uk") is itself a public suffix (ICANN section). */
export function isPublicSuffix(domain: string): boolean {
  return libs.tldts().getPublicSuffix(domain, { allowPrivateDomains: false, extractHostname: false }) === domain;
}

/** Matches one presented identifier (a SAN dNSName or CN) against a host name per RFC 6125 §6.4. */
export function matchHostname(pattern: string, host: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(pattern)) return false; // a dNSName is an IA5String
  const p = stripDot(pattern).toLowerCase();
  const h = referenceForm(host);
  if (h === null || !validHostname(h)) return false;
  if (!p.startsWith('*.')) return p === h && !p.includes('*') && referenceForm(p) !== null;
  const suffix = p.slice(2);
  if (suffix.includes('*') || suffix.split('.').length < 2 || !validHostname(suffix)) return false;
  if (endsInNumber(suffix) || isPublicSuffix(suffix)) return false;
  const dot = h.indexOf('.');
  if (dot <= 0) return false;
  const first = h.slice(0, dot);
  if (first.startsWith('xn--')) return false;
  return h.slice(dot + 1) === suffix;
}

/** Parses an IPv4 dotted quad or an IPv6 literal (brackets allowed) to bytes; null if neither. */
export function parseIp(text: string): Uint8Array | null {
  const s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(s);
  if (v4) return v4;
  return s.includes(':') ? parseIpv6(s) : null;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (const [i, p] of parts.entries()) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | null {
  if (s.includes('%')) return null; // zone identifiers never appear in certificates
  let tail4: Uint8Array | null = null;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIpv4(s.slice(lastColon + 1));
    if (!tail4) return null;
    body = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): string[] | null => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const all = [...head, ...Array<string>(8 - total).fill('0'), ...rest];
  const out = new Uint8Array(16);
  for (const [i, g] of all.entries()) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/** Whether a string is an IPv4 or IPv6 literal. */
export function isIpAddress(s: string): boolean {
  return parseIp(s) !== null;
}

/** Checks a host name against the SAN dNSNames (or, with cnFallback and no dNSName, the CNs). */
export function checkHostname(
  san: GeneralName[] | null,
  commonNames: string[],
  host: string,
  opts: HostCheckOptions = {},
): boolean {
  const dns = (san ?? []).flatMap((g) => (g.type === 'dns' ? [g.value] : []));
  if (dns.length > 0) return dns.some((d) => matchHostname(d, host));
  if (opts.cnFallback) return commonNames.some((cn) => matchHostname(cn, host));
  return false;
}

/** Checks an IP literal against the SAN iPAddress entries; false if `ip` is not an IP literal. */
export function checkIpAddress(san: GeneralName[] | null, ip: string): boolean {
  const want = parseIp(ip);
  if (!want) return false;
  return (san ?? []).some(
    (g) => g.type === 'ip' && g.bytes.length === want.length && g.bytes.every((b, i) => b === want[i]),
  );
}
