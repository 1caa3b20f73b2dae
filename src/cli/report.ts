/**
 * The s_client-style reports (spec/cli.md "Report lines", openssl-semantics.md §7): the default
 * report on stdout, the --brief report for stderr, the per-ticket block, and the colour rule.
 * Line formats follow OpenSSL's apps/s_client.c print_stuff(); golden transcripts in the tests.
 * Single lines come without a newline; multi-line blocks end with one.
 */
import { certificateRequestLines } from './report-sigalgs.js';
import { cliLibs } from './cli-libs.js';
import type { CertInfo, ConnectionInfo } from '../tls/types.js';
import { groupById, suiteName, versionName, ProtocolVersion } from '../tls/codec/names.js';
import { sigSchemeById } from '../tls/codec/sigschemes.js';
import type { CliOptions } from './options.js';

/** OpenSSL release whose line set to copy: 3.4 adds "Protocol:" and the TLS 1.3 renegotiation line. */
export type ReportStyle = '3.0' | '3.4';

export interface ReportOptions {
  /** --showcerts: PEM of every chain certificate. */
  showcerts?: boolean;
  /** A --reconnect summary (s_client's non-full print: no chain, no certificate, no key size). */
  isReconnect?: boolean;
  /** TLS 1.2: the "SSL-Session:" block from the session formatter (ending in a newline). */
  sessionBlock?: string;
  /** --keymatexport: the "Keying material exporter:" block (ending in a newline), after the session. */
  keyingMaterial?: string;
  /** Default '3.4' (the lines spec/cli.md names); '3.0' reproduces s_client 3.0 exactly. */
  style?: ReportStyle;
  color?: boolean;
  /** ECH was asked for (--ech-config-list, --ech-grease): the "ECH:" line is printed even when not offered. */
  ech?: boolean;
}

/**
 * RFC 9849's outcome (spec/cli.md): "ECH: accepted", "ECH: rejected; retry configs: <base64>"
 * (ready for --ech-config-list; "none" when the server sent none), "ECH: GREASE", "ECH: not offered".
 */
export function echLine(info: ConnectionInfo): string {
  const e = info.ech;
  if (e.status === 'rejected') {
    const retry = e.retryConfigs ? Buffer.from(e.retryConfigs).toString('base64') : 'none';
    return `ECH: rejected; retry configs: ${retry}`;
  }
  return `ECH: ${e.status === 'grease' ? 'GREASE' : e.status}`;
}

/** Colour on or off for a stream: never for --json, --no-color, NO_COLOR (any value) or a non-TTY. */
export function useColor(
  opts: Pick<CliOptions, 'color' | 'output'>,
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (opts.output === 'json' || opts.color === false) return false;
  if (env['NO_COLOR'] !== undefined) return false;
  return stream.isTTY === true;
}

interface Paint {
  ok(s: string): string;
  bad(s: string): string;
  em(s: string): string;
}

const plain: Paint = { ok: (s) => s, bad: (s) => s, em: (s) => s };

/** chalk at level 1 (16 colours) when colour is on; without it, and without loading it, when off. */
function painter(color: boolean): Paint {
  if (!color) return plain;
  const c = new (cliLibs.chalk().Chalk)({ level: 1 });
  return { ok: (s) => c.green(s), bad: (s) => c.red(s), em: (s) => c.bold(s) };
}

/** "CONNECTED(00000003)" (no newline): s_client prints the socket fd as %08X; 0 when unknown. */
export function formatConnected(fd?: number | null): string {
  return `CONNECTED(${(fd ?? 0).toString(16).toUpperCase().padStart(8, '0')})`;
}

/** The line s_client prints before each --reconnect. */
export const RECONNECT_LINE = 'drop connection and then reconnect';

/** A DER certificate as PEM (64-column base64), ending in a newline. */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A distinguished name in OpenSSL's one-line form ("C = US, CN = x"); Node's "C=US\nCN=x" is converted. */
export function opensslName(dn: string): string {
  const nodeStyle = dn.includes('\n') || /^[A-Za-z0-9.]+=[^=,]*$/.test(dn);
  if (!nodeStyle || dn.includes(' = ')) return dn;
  return dn
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^([^=]+)=/, '$1 = '))
    .join(', ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const OPENSSL_TIME = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT$/;

/** A certificate time as ASN1_TIME_print writes it: "Nov 21 23:24:32 2026 GMT". */
export function opensslTime(t: string): string {
  if (OPENSSL_TIME.test(t)) return t;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return t;
  const d = new Date(ms);
  const hms = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms} ${d.getUTCFullYear()} GMT`;
}

/** A certificate time as ISO 8601 (for JSON); unparseable input is returned unchanged. */
export function isoTime(t: string): string {
  const ms = Date.parse(OPENSSL_TIME.test(t) ? t.replace(/ GMT$/, ' UTC') : t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString().replace('.000Z', 'Z');
}

const KEY_TYPES: Record<string, string> = {
  ec: 'id-ecPublicKey',
  'id-ecpublickey': 'id-ecPublicKey',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  rsa: 'rsaEncryption',
  rsaencryption: 'rsaEncryption',
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  'rsa-pss': 'RSASSA-PSS',
  rsassapss: 'RSASSA-PSS',
  'rsassa-pss': 'RSASSA-PSS',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  ed25519: 'ED25519',
  '1.3.101.112': 'ED25519',
  ed448: 'ED448',
  '1.3.101.113': 'ED448',
};

/** A key type as OBJ_nid2sn names it ("id-ecPublicKey", "rsaEncryption", "ED25519"). */
export function keyTypeName(publicKey: string): string {
  return KEY_TYPES[publicKey.toLowerCase()] ?? KEY_TYPES[publicKey.split(/[\s,]/)[0]?.toLowerCase() ?? ''] ?? publicKey;
}

const SIGALGS: Record<string, string> = {
  sha256withrsaencryption: 'RSA-SHA256',
  '1.2.840.113549.1.1.11': 'RSA-SHA256',
  sha384withrsaencryption: 'RSA-SHA384',
  '1.2.840.113549.1.1.12': 'RSA-SHA384',
  sha512withrsaencryption: 'RSA-SHA512',
  '1.2.840.113549.1.1.13': 'RSA-SHA512',
  sha1withrsaencryption: 'RSA-SHA1',
  '1.2.840.113549.1.1.5': 'RSA-SHA1',
  rsassapss: 'RSASSA-PSS',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  ed25519: 'ED25519',
  '1.3.101.112': 'ED25519',
};

/** A certificate signature algorithm as OBJ_nid2sn names it ("ecdsa-with-SHA256", "RSA-SHA256"). */
export function sigalgShortName(sigalg: string): string {
  return SIGALGS[sigalg.toLowerCase()] ?? sigalg;
}

function chainLines(certs: CertInfo[], showcerts: boolean): string[] {
  const out = ['Certificate chain'];
  certs.forEach((c, i) => {
    out.push(`${String(i).padStart(2, ' ')} s:${opensslName(c.subject)}`, `   i:${opensslName(c.issuer)}`);
    out.push(`   a:PKEY: ${keyTypeName(c.publicKey)}, ${c.publicKeyBits} (bit); sigalg: ${sigalgShortName(c.sigalg)}`);
    out.push(`   v:NotBefore: ${opensslTime(c.notBefore)}; NotAfter: ${opensslTime(c.notAfter)}`);
    if (showcerts) out.push(toPem(c.der).trimEnd());
  });
  return out;
}

/** "New, TLSv1.3, Cipher is X" with the negotiated protocol (not the cipher's minimum version). */
export function sessionLine(info: ConnectionInfo): string {
  const v = info.version === null ? '(NONE)' : versionName(info.version);
  const c = info.cipherSuite === null ? '(NONE)' : suiteName(info.cipherSuite);
  return `${info.resumed ? 'Reused' : 'New'}, ${v}, Cipher is ${c}`;
}

function verificationLine(info: ConnectionInfo, p: Paint): string {
  return info.verify.code === 0 ? p.ok('Verification: OK') : p.bad(`Verification error: ${info.verify.message}`);
}

/** One "verify warning: depth=N <rule> (<section>)" line per pedantic rule the chain breaks. */
export function verifyWarningLines(info: ConnectionInfo): string[] {
  return (info.verify.warnings ?? []).map((w) => `verify warning: depth=${w.depth} ${w.rule} (${w.section})`);
}

function verifyReturnLine(info: ConnectionInfo, p: Paint): string {
  const line = `Verify return code: ${info.verify.code} (${info.verify.message})`;
  return info.verify.code === 0 ? p.ok(line) : p.bad(line);
}

/** "Peer signing digest" / "Peer signature type" lines (absent on resumption: nothing was signed). */
function peerSignatureLines(info: ConnectionInfo, labels: [string, string]): string[] {
  if (info.peerSignatureMd5Sha1 && !info.resumed) return [`${labels[0]}: MD5-SHA1`, `${labels[1]}: RSA`];
  const s = info.peerSignatureScheme === null || info.resumed ? undefined : sigSchemeById(info.peerSignatureScheme);
  if (!s) return [];
  return [...(s.hash ? [`${labels[0]}: ${s.hash.toUpperCase()}`] : []), `${labels[1]}: ${s.sigType}`];
}

/**
 * The server's ephemeral key as s_client's "Server Temp Key" shows it: "X25519, 253 bits", "DH,
 * 2048 bits"; null when there was none (RSA key exchange, a TLS 1.0–1.2 resumption).
 */
export function serverTempKey(info: ConnectionInfo): string | null {
  if (info.resumed && info.version !== null && info.version < ProtocolVersion.TLS1_3) return null;
  if (info.dhBits !== null) return `DH, ${info.dhBits} bits`;
  if (info.group === null) return null;
  const g = groupById(info.group);
  return g ? g.tempKey : `0x${info.group.toString(16).padStart(4, '0')}`;
}

function tempKeyLine(info: ConnectionInfo): string[] {
  const k = serverTempKey(info);
  return k === null ? [] : [`Server Temp Key: ${k}`];
}

function alpnLine(info: ConnectionInfo): string {
  return info.alpn ? `ALPN protocol: ${info.alpn}` : 'No ALPN negotiated';
}

/** Minimal SSL-Session block for TLS 1.2 until the session formatter supplies the full one. */
function fallbackSessionBlock(info: ConnectionInfo, p: Paint): string[] {
  return [
    'SSL-Session:',
    `    Protocol  : ${info.version === null ? '(NONE)' : versionName(info.version)}`,
    `    Cipher    : ${info.cipherSuite === null ? '(NONE)' : suiteName(info.cipherSuite)}`,
    `    Session-ID: ${Buffer.from(info.sessionId).toString('hex').toUpperCase()}`,
    `    ${verifyReturnLine(info, p)}`,
    `    Extended master secret: ${info.extendedMasterSecret ? 'yes' : 'no'}`,
  ];
}

/**
 * The default report (stdout), starting after the CONNECTED line: chain, certificate, key exchange,
 * verification, session summary. With isReconnect, s_client's short summary instead.
 */
export function formatReport(info: ConnectionInfo, opts: ReportOptions = {}): string {
  const p = painter(opts.color ?? false);
  const style = opts.style ?? '3.4';
  const full = !opts.isReconnect;
  const tls13 = info.version === ProtocolVersion.TLS1_3;
  const peer = info.peerCertificates[0];
  const out: string[] = [];
  if (full) {
    const chainShown = !info.resumed && info.peerCertificates.length > 0;
    if (chainShown) out.push('---', ...chainLines(info.peerCertificates, opts.showcerts ?? false));
    out.push('---');
    if (peer) {
      out.push('Server certificate');
      if (!(opts.showcerts && chainShown)) out.push(toPem(peer.der).trimEnd());
      out.push(`subject=${opensslName(peer.subject)}`, `issuer=${opensslName(peer.issuer)}`);
    } else {
      out.push('no peer certificate available');
    }
    out.push('---');
    if (info.clientCaNames.length === 0) out.push('No client certificate CA names sent');
    else out.push('Acceptable client certificate CA names', ...info.clientCaNames.map(opensslName));
    out.push(...certificateRequestLines(info));
    out.push(...peerSignatureLines(info, ['Peer signing digest', 'Peer signature type']), ...tempKeyLine(info));
    const cc = info.certificateCompression;
    // RFC 8879: "Certificate compression: brotli (4102 -> 2731 bytes)", the announced then received length.
    if (cc)
      out.push(`Certificate compression: ${cc.algorithm} (${cc.uncompressedLength} -> ${cc.compressedLength} bytes)`);
    if (opts.ech || info.ech.status !== 'not offered') out.push(echLine(info));
    out.push(
      '---',
      `SSL handshake has read ${info.handshakeBytes.read} bytes and written ${info.handshakeBytes.written} bytes`,
    );
  }
  out.push(verificationLine(info, p), ...verifyWarningLines(info), '---', p.em(sessionLine(info)));
  if (style === '3.4') out.push(`Protocol: ${info.version === null ? '(NONE)' : versionName(info.version)}`);
  if (full && peer) out.push(`Server public key is ${peer.publicKeyBits} bit`);
  if (tls13 && style === '3.4') out.push('This TLS version forbids renegotiation.');
  else out.push(`Secure Renegotiation IS${!tls13 && info.secureRenegotiation ? '' : ' NOT'} supported`);
  // Not an s_client line: the warning alerts the server sent (RFC 5246 §7.2), which s_client shows only with -state.
  if (info.warningAlerts.length > 0) out.push(`Warning alerts received: ${info.warningAlerts.join(', ')}`);
  out.push('Compression: NONE', 'Expansion: NONE', alpnLine(info));
  if (tls13) {
    out.push(`Early data was ${info.earlyData}`, verifyReturnLine(info, p));
  } else if (opts.sessionBlock !== undefined) {
    out.push(opts.sessionBlock.replace(/\n$/, ''));
  } else {
    out.push(...fallbackSessionBlock(info, p));
  }
  if (opts.keyingMaterial !== undefined) out.push(opts.keyingMaterial.replace(/\n$/, ''));
  out.push('---');
  return `${out.join('\n')}\n`;
}

/** The block printed per TLS 1.3 NewSessionTicket: "---", the arrival line, the session, "---". */
export function formatTicketBlock(sessionBlock: string): string {
  const body = sessionBlock.endsWith('\n') ? sessionBlock : `${sessionBlock}\n`;
  return `---\nPost-Handshake New Session Ticket arrived:\n${body}---\n`;
}

/**
 * The --brief report (stderr): s_client -brief's lines plus the New/Reused verdict and ALPN, and
 * the "ECH:" line of the full report when ECH was asked for (s_client 4.0 -brief prints none).
 */
export function formatBrief(info: ConnectionInfo, opts: { color?: boolean; ech?: boolean } = {}): string {
  const p = painter(opts.color ?? false);
  const peer = info.peerCertificates[0];
  const out = [
    'CONNECTION ESTABLISHED',
    `Protocol version: ${info.version === null ? '(NONE)' : versionName(info.version)}`,
    `Ciphersuite: ${info.cipherSuite === null ? '(NONE)' : suiteName(info.cipherSuite)}`,
  ];
  if (peer) {
    out.push(
      `Peer certificate: ${opensslName(peer.subject)}`,
      ...peerSignatureLines(info, ['Hash used', 'Signature type']),
      verificationLine(info, p),
      ...verifyWarningLines(info),
    );
  } else {
    out.push('No peer certificate');
  }
  out.push(...tempKeyLine(info), p.em(sessionLine(info)), alpnLine(info));
  if (opts.ech || info.ech.status !== 'not offered') out.push(echLine(info));
  return `${out.join('\n')}\n`;
}
