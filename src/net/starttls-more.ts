/**
 * The rest of s_client's STARTTLS list: NNTP, ManageSieve, IRC and MySQL (LMTP and xmpp-server are
 * variants in starttls.ts). Each ends exactly after the server's "go ahead", like the others.
 */
import { Conversation, quote, type StartTlsError } from './starttls-conversation.js';

const MAX_LINES = 1000;

/**
 * NNTP (RFC 4642 §2.2, RFC 3977 §5.2): greeting 200/201, CAPABILITIES (101 and lines up to "."),
 * STARTTLS answered by 382. As s_client, STARTTLS is tried even when the capability list lacks it;
 * the answer decides (580 or 502 is a refusal).
 */
export async function nntp(c: Conversation): Promise<void> {
  const greeting = await c.line('the greeting');
  if (!/^20[01]\b/.test(greeting)) throw c.refused(greeting);
  c.send('CAPABILITIES\r\n');
  const caps = await c.line('CAPABILITIES');
  let offered = false;
  if (/^101\b/.test(caps)) {
    for (let n = 0; ; n++) {
      const l = await c.line('CAPABILITIES');
      if (l === '.') break;
      if (/^STARTTLS\b/i.test(l)) offered = true;
      if (n > MAX_LINES) throw c.fail('refused', `server sent more than ${MAX_LINES} lines answering CAPABILITIES`);
    }
  }
  c.send('STARTTLS\r\n');
  const r = await c.line('STARTTLS');
  if (!/^382\b/.test(r)) throw c.refused(r, offered ? '' : ' (STARTTLS is not in its CAPABILITIES)');
}

/**
 * ManageSieve (RFC 5804 §1.7, §2.2): the greeting is capability lines (quoted strings) ended by an
 * OK response; STARTTLS is answered OK. Response codes and capability names are case-insensitive.
 */
export async function sieve(c: Conversation): Promise<void> {
  let offered = false;
  for (let n = 0; ; n++) {
    const l = await c.line('the greeting');
    if (!l.startsWith('"')) {
      if (!/^OK\b/i.test(l)) throw c.refused(l);
      break;
    }
    if (/^"STARTTLS"/i.test(l)) offered = true;
    if (n > MAX_LINES) throw c.fail('refused', `server sent more than ${MAX_LINES} capability lines`);
  }
  c.send('STARTTLS\r\n');
  const r = await c.line('STARTTLS');
  if (!/^OK\b/i.test(r)) throw c.refused(r, offered ? '' : ' (STARTTLS is not in its capabilities)');
}

/**
 * IRC (the IRCv3 "tls" extension): STARTTLS, answered by numeric 670 RPL_STARTTLS, or refused by
 * 691 ERR_STARTTLS, 421 ERR_UNKNOWNCOMMAND or 451 ERR_NOTREGISTERED. Lines without a numeric
 * (NOTICE AUTH ...) and other numerics are skipped, as s_client skips them.
 */
export async function irc(c: Conversation): Promise<void> {
  c.send('STARTTLS\r\n');
  for (let n = 0; n <= MAX_LINES; n++) {
    const l = await c.line('STARTTLS');
    const numeric = /^(?::\S+\s+)?(\d{3})\b/.exec(l)?.[1];
    if (numeric === '670') return;
    if (numeric === '691' || numeric === '421' || numeric === '451') throw c.refused(l);
    if (/^ERROR\b/.test(l)) throw c.refused(l);
  }
  throw c.fail('refused', `server sent more than ${MAX_LINES} lines without answering STARTTLS`);
}

/** MySQL capability flag CLIENT_SSL (Protocol::CapabilityFlags). */
const CLIENT_SSL = 0x0800;

/**
 * The SSLRequest packet (MySQL Protocol::SSLRequest): header (3-byte length 32, sequence 1), then
 * capability flags (CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41 | CLIENT_SSL |
 * CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH),
 * max packet size 16 MiB, character set 33 (utf8_general_ci) and 23 reserved zero bytes.
 */
export const MYSQL_SSL_REQUEST = Buffer.concat([
  Buffer.from([0x20, 0x00, 0x00, 0x01]),
  Buffer.from([0x05, 0xaa, 0x0a, 0x00]),
  Buffer.from([0x00, 0x00, 0x00, 0x01]),
  Buffer.from([0x21]),
  Buffer.alloc(23),
]);

/**
 * MySQL: the server speaks first with its Initial Handshake packet (protocol version 10); if its
 * capability flags include CLIENT_SSL, the client sends SSLRequest and TLS starts at once (the
 * server sends no answer). An ERR packet (0xff) instead of the handshake is a refusal.
 */
export async function mysql(c: Conversation): Promise<void> {
  const what = 'the connection (initial handshake)';
  const header = await c.exact(what, 4);
  const len = header.readUIntLE(0, 3);
  if (len < 1 || len > 65536) throw c.fail('refused', `server sent a MySQL packet of ${len} bytes`);
  const p = await c.exact(what, len);
  if (p[0] === 0xff) {
    // ERR_Packet: 0xff, error code (2), optionally '#' + SQL state (5), then the message.
    const code = p.length >= 3 ? p.readUInt16LE(1) : 0;
    const msg = p.subarray(p[3] === 0x23 ? 9 : 3).toString('utf8');
    throw c.fail('refused', `server answered with MySQL error ${code}: ${quote(msg)}`);
  }
  if (p[0] !== 0x0a)
    throw c.fail('refused', `server speaks MySQL protocol version ${p[0] ?? 0}, not 10 (its first packet)`);
  const versionEnd = p.indexOf(0, 1);
  // After the version string: connection id (4), auth-plugin-data part 1 (8), filler (1), flags (2).
  const flagsAt = versionEnd + 1 + 4 + 8 + 1;
  if (versionEnd < 0 || p.length < flagsAt + 2 || p[flagsAt - 1] !== 0) throw malformed(c, p);
  const version = p.subarray(1, versionEnd).toString('latin1');
  if ((p.readUInt16LE(flagsAt) & CLIENT_SSL) === 0)
    throw c.fail('refused', `server ${quote(version)} does not support SSL (no CLIENT_SSL capability)`);
  c.send(MYSQL_SSL_REQUEST);
}

function malformed(c: Conversation, p: Buffer): StartTlsError {
  return c.fail('refused', `server sent a malformed MySQL handshake (${p.subarray(0, 32).toString('hex')})`);
}
