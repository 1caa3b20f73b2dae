/**
 * The OpenSSL session file format: byte-exact round trips of real OpenSSL 3.0 files, the decoded
 * field values against their asn1parse / sess_id dumps, PEM tolerance, every d2i rejection, and
 * portability into the real `openssl sess_id`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tag, ctxTag, derConstructed, derEncodeUint, derTlv } from '../../src/tls/codec/der.js';
import {
  SessionFormatError,
  createSession,
  decodeSession,
  decodeSessionPem,
  encodeSession,
  encodeSessionPem,
  formatSslSessionBlock,
  sessionIdForTicket,
  type Session,
} from '../../src/tls/session/index.js';
import { classifyError, ExitCode } from '../../src/cli/exit.js';
import { ed13Pem, rsakx12Pem, s12Pem, s12SidPem, s13Pem, s13StatefulPem } from '../helpers/openssl-sessions.js';

const NOW = 1_800_000_000;
const hex = (b: Uint8Array | undefined): string =>
  Buffer.from(b ?? [])
    .toString('hex')
    .toUpperCase();
const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const pemBody = (pem: string): string =>
  pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join('');
const derOf = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pemBody(pem), 'base64'));
const wrapPem = (b64: string): string =>
  `-----BEGIN SSL SESSION PARAMETERS-----\n${b64}\n-----END SSL SESSION PARAMETERS-----\n`;
const one = (pem: string): Session => {
  const list = decodeSessionPem(pem, NOW);
  assert.equal(list.length, 1);
  return list[0]!;
};

// ---------------------------------------------------------------------------------------------
// Golden files: decode → encode is byte-identical, and the values match OpenSSL's own dumps.

const GOLDEN: Record<string, string> = {
  s13: s13Pem,
  s12: s12Pem,
  s12_sid: s12SidPem,
  s13_stateful: s13StatefulPem,
  ed13: ed13Pem,
  rsakx12: rsakx12Pem,
};

for (const [name, pem] of Object.entries(GOLDEN)) {
  test(`${name}.pem: decode → encode round-trips byte for byte (DER and PEM text)`, () => {
    const s = one(pem);
    assert.deepEqual(encodeSession(s), derOf(pem));
    assert.equal(encodeSessionPem([s]), pem);
    assert.deepEqual(decodeSession(derOf(pem), NOW), s);
  });
}

interface Expect {
  version: number;
  cipher: number;
  sid: string;
  mkPrefix: string;
  mkLen: number;
  time: number;
  lifetime: number;
  ticketLen: number | undefined;
  ageAdd: number;
  ems: boolean;
  kex: number;
  hostname: string | undefined;
  maxEarlyData: number;
  verify: number;
  certLen: number;
}
// Values read off *.asn1parse.txt and *.sess_id.txt.
const EXPECT: Record<string, Expect> = {
  s13: {
    version: 0x0304,
    cipher: 0x1302,
    sid: '80995CE67E94A525E7D579204E18EA4478099D441959042C720720DBF2C27947',
    mkPrefix: '6C65490684E603BA',
    mkLen: 48,
    time: 1795303474,
    lifetime: 7200,
    ticketLen: 208,
    ageAdd: 0x768380e7,
    ems: false,
    kex: 29,
    hostname: undefined,
    maxEarlyData: 0,
    verify: 0,
    certLen: 412,
  },
  s12: {
    version: 0x0303,
    cipher: 0xc02c,
    sid: 'F500A83ADA87D3CF16CE27A674CBDA865D3063ACEEC302379E9DB4E6913EB34D',
    mkPrefix: 'C4DF1C21D80317F7',
    mkLen: 48,
    time: 1795303546,
    lifetime: 7200,
    ticketLen: 176,
    ageAdd: 0,
    ems: true,
    kex: 29,
    hostname: undefined,
    maxEarlyData: 0,
    verify: 0,
    certLen: 412,
  },
  s12_sid: {
    version: 0x0303,
    cipher: 0xc02c,
    sid: 'DA79A3F97E158BF217091210B1FF570FB9C0C4FD4A8B22AFEA01CB6D0CA2EC0C',
    mkPrefix: '6EC6D4CC37473C28',
    mkLen: 48,
    time: 1795303552,
    lifetime: 0,
    ticketLen: undefined,
    ageAdd: 0,
    ems: true,
    kex: 29,
    hostname: undefined,
    maxEarlyData: 0,
    verify: 0,
    certLen: 412,
  },
  s13_stateful: {
    version: 0x0304,
    cipher: 0x1302,
    sid: '75327AFDA48AAAF069F67CD30E5783ADEC2C3140C8505DF8E6F64AAEE1649CF6',
    mkPrefix: 'A0B1D88CF1EC8EE2',
    mkLen: 48,
    time: 1795303517,
    lifetime: 7200,
    ticketLen: 32,
    ageAdd: 0xe066c273,
    ems: false,
    kex: 29,
    hostname: undefined,
    maxEarlyData: 0,
    verify: 0,
    certLen: 412,
  },
  ed13: {
    version: 0x0304,
    cipher: 0x1302,
    sid: 'A5B93D47E6D22FA8FFF4425DEEC8EFF6058E94FF9808290B6672026E22E3315F',
    mkPrefix: 'DAD57195789D183A',
    mkLen: 48,
    time: 1795303946,
    lifetime: 7200,
    ticketLen: 32,
    ageAdd: 0x901d6436,
    ems: false,
    kex: 29,
    hostname: 'localhost',
    maxEarlyData: 16384,
    verify: 0,
    certLen: 412,
  },
  rsakx12: {
    version: 0x0303,
    cipher: 0x009c,
    sid: '17513476A48D641C260EB816BAE590CE696E74D91101425CC1444110BD4B0D7C',
    mkPrefix: '217E6B1F4A55993F',
    mkLen: 48,
    time: 1795304245,
    lifetime: 7200,
    ticketLen: 176,
    ageAdd: 0,
    ems: true,
    kex: 0,
    hostname: undefined,
    maxEarlyData: 0,
    verify: 18,
    certLen: 781,
  },
};

for (const [name, e] of Object.entries(EXPECT)) {
  test(`${name}.pem: decoded fields match OpenSSL's asn1parse and sess_id dumps`, () => {
    const s = one(GOLDEN[name]!);
    assert.equal(s.version, e.version);
    assert.equal(s.cipherSuite, e.cipher);
    assert.equal(hex(s.sessionId), e.sid);
    assert.equal(s.masterKey.length, e.mkLen);
    assert.ok(hex(s.masterKey).startsWith(e.mkPrefix), hex(s.masterKey));
    assert.equal(s.time, e.time);
    assert.equal(s.timeout, 7200);
    assert.equal(s.tickLifetimeHint, e.lifetime);
    assert.equal(s.ticket?.length, e.ticketLen);
    assert.equal(s.tickAgeAdd, e.ageAdd);
    assert.equal((s.flags & 1) === 1, e.ems);
    assert.equal(s.kexGroup, e.kex);
    assert.equal(s.hostname, e.hostname);
    assert.equal(s.maxEarlyData, e.maxEarlyData);
    assert.equal(s.verifyResult, e.verify);
    assert.equal(s.peerCertificate?.length, e.certLen);
    assert.equal(s.sessionIdContext.length, 0);
    assert.equal(s.alpnSelected, undefined);
    assert.equal(s.notResumable, false);
    assert.equal(s.used, false);
    // OpenSSL's client sets session_id = SHA-256(ticket) on every ticket (§5.3, §5.4).
    if (s.ticket !== undefined) assert.equal(hex(sessionIdForTicket(s.ticket, sha256)), e.sid);
  });
}

test('ticket bytes and age_add decode exactly (s13_stateful, ed13)', () => {
  assert.equal(hex(one(s13StatefulPem).ticket), '5535DEC5C53346FA0BE6D2FE614BDBA822A8A547F1226A25365E3E519B407B1B');
  assert.equal(hex(one(ed13Pem).ticket), '6EE0271F558EA6C189E6422BB0EFA842132ACB1EE9B9F2B56F296D364E63774A');
  // 0xE066C273 has its top bit set: written as 5 bytes with a leading 0x00 (§6.2).
  assert.ok(hex(derOf(s13StatefulPem)).includes('AE07020500E066C273'));
});

// ---------------------------------------------------------------------------------------------
// PEM tolerance: what OpenSSL's reader accepts.

test('PEM reader accepts CRLF, one long line, 76 columns, junk before, trailing blanks, no final newline', () => {
  const want = one(s13Pem);
  const b64 = pemBody(s13Pem);
  const variants: Record<string, string> = {
    crlf: s13Pem.replace(/\n/g, '\r\n'),
    longLine: wrapPem(b64),
    cols76: wrapPem(b64.match(/.{1,76}/g)!.join('\n')),
    junk: 'Session saved by a script\nsubject=CN = localhost\n\n' + s13Pem,
    trailingBlanks: s13Pem.replace(/\n/g, '  \t\n'),
    noFinalNewline: s13Pem.trimEnd(),
    blankAfterBegin: s13Pem.replace('-----\n', '-----\n\n'),
    otherBlockFirst: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' + s13Pem,
    encryptedKeyFirst:
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n' +
      s13Pem,
  };
  for (const [name, text] of Object.entries(variants)) assert.deepEqual(one(text), want, name);
});

test('several sessions: one block each, newest first, read back in the same order', () => {
  const a = one(s13Pem);
  const b = one(s12Pem);
  const text = encodeSessionPem([b, a]);
  assert.equal(text.match(/-----BEGIN SSL SESSION PARAMETERS-----\n/g)?.length, 2);
  assert.ok(text.split('\n').every((l) => l.length <= 64));
  assert.deepEqual(decodeSessionPem(text, NOW), [b, a]);
  assert.equal(encodeSessionPem([]), '');
});

test('PEM errors: truncated block, no block, bad END, invalid base64', () => {
  const lines = s13Pem.trimEnd().split('\n');
  const cases: [string, string, RegExp][] = [
    [
      'truncated',
      lines.slice(0, -1).join('\n') + '\n',
      /truncated PEM: no "-----END SSL SESSION PARAMETERS-----" line/,
    ],
    ['truncated mid-body', lines.slice(0, 5).join('\n'), /truncated PEM/],
    ['no block', 'hello\nworld\n', /no "-----BEGIN SSL SESSION PARAMETERS-----" block found/],
    ['empty file', '', /no .* block found/],
    ['only a certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /no .* block found/],
    [
      'bad base64 in a certificate before it',
      '-----BEGIN CERTIFICATE-----\nAA!A\n-----END CERTIFICATE-----\n' + s13Pem,
      /invalid base64 in the CERTIFICATE block at line 1/,
    ],
    [
      'bad END label',
      s13Pem.replace('-----END SSL SESSION PARAMETERS-----', '-----END CERTIFICATE-----'),
      /bad END line/,
    ],
    ['char outside alphabet', s13Pem.replace('MIIC', 'M!IC'), /character '!' is not in the base64 alphabet/],
    ['url-safe alphabet', s13Pem.replace('/', '_'), /character '_' is not in the base64 alphabet/],
    ['dropped char', s13Pem.replace('MIIC', 'MIC'), /not a multiple of 4/],
    ['data after padding', wrapPem(pemBody(s13Pem) + 'AAAA'), /data after '=' padding/],
    ['header line', s13Pem.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n'), /PEM header lines/],
    [
      'blank line mid-body',
      [...lines.slice(0, 3), '', ...lines.slice(3)].join('\n'),
      /unexpected blank line at line 4/,
    ],
    ['two blank lines', [lines[0], '', '', ...lines.slice(1)].join('\n'), /unexpected blank line at line 3/],
    ['empty body', wrapPem(''), /the SSL SESSION PARAMETERS block at line 1 is empty/],
    ['bad DER inside', wrapPem('AAAA'), /not an SSL_SESSION.*\(in the SSL SESSION PARAMETERS block at line 1\)/],
  ];
  for (const [name, text, re] of cases) {
    assert.throws(
      () => decodeSessionPem(text, NOW),
      (e: unknown) => e instanceof SessionFormatError && re.test(e.message),
      name,
    );
  }
  // The CLI's malformed-input mapping applies: a usage error, exit 2.
  assert.throws(
    () => decodeSessionPem('x', NOW),
    (e: unknown) => classifyError(e).exitCode === ExitCode.USAGE && classifyError(e).kind === 'usage',
  );
});

// ---------------------------------------------------------------------------------------------
// d2i_SSL_SESSION rules on hand-made DER.

const int = (n: number): Uint8Array => derEncodeUint(n);
const oct = (b: Uint8Array | number[]): Uint8Array => derTlv(Tag.OCTET_STRING, Uint8Array.from(b));
const exp = (n: number, inner: Uint8Array): Uint8Array => derTlv(ctxTag(n), inner);
const seq = (fields: Uint8Array[]): Uint8Array => derConstructed(Tag.SEQUENCE, fields);
/** The five mandatory fields of a TLS 1.2 session, each replaceable. */
function head(
  o: { version?: Uint8Array; ssl?: Uint8Array; cipher?: Uint8Array; sid?: Uint8Array; mk?: Uint8Array } = {},
): Uint8Array[] {
  return [
    o.version ?? int(1),
    o.ssl ?? int(0x0303),
    o.cipher ?? oct([0xc0, 0x2f]),
    o.sid ?? oct(new Uint8Array(32).fill(7)),
    o.mk ?? oct(new Uint8Array(48).fill(9)),
  ];
}
const TAIL = [exp(4, oct([])), exp(19, int(29))];

/** DER that OpenSSL 3.0 rejects, with the message we give. */
const REJECTED: [string, Uint8Array, RegExp][] = [
  ['version 2', seq([...head({ version: int(2) }), ...TAIL]), /unknown ssl version/],
  ['ssl_version 0x0203', seq([...head({ ssl: int(0x0203) }), ...TAIL]), /unsupported ssl version 0x0203/],
  ['cipher 3 bytes', seq([...head({ cipher: oct([0, 0xc0, 0x2f]) }), ...TAIL]), /cipher code wrong length: 3 bytes/],
  ['unknown cipher', seq([...head({ cipher: oct([0x0a, 0x0b]) }), ...TAIL]), /unknown cipher 0x0a0b/],
  ['session_id 33 bytes', seq([...head({ sid: oct(new Uint8Array(33)) }), ...TAIL]), /session_id longer than 32 bytes/],
  [
    'master_key 513 bytes',
    seq([...head({ mk: oct(new Uint8Array(513)) }), ...TAIL]),
    /master_key longer than 512 bytes/,
  ],
  [
    'sid_ctx 33 bytes',
    seq([...head(), exp(4, oct(new Uint8Array(33))), exp(19, int(29))]),
    /session_id_context longer than 32 bytes/,
  ],
  ['unknown tag [25]', seq([...head(), ...TAIL, exp(25, int(1))]), /unexpected field \[25\]/],
  [
    'out of order [2] before [1]',
    seq([...head(), exp(2, int(300)), exp(1, int(NOW)), ...TAIL]),
    /\[1\] time out of order/,
  ],
  [
    'repeated [4]',
    seq([...head(), exp(4, oct([])), ...TAIL, exp(4, oct([]))]),
    /\[4\] session_id_context out of order or repeated/,
  ],
  [
    '[20] peer_rpk (3.2+)',
    seq([...head(), ...TAIL, exp(20, oct([0x30, 0x00]))]),
    /\[20\] peer_rpk is not known to OpenSSL 3.0/,
  ],
  [
    'non-minimal INTEGER',
    seq([derTlv(Tag.INTEGER, Uint8Array.of(0, 1)), ...head().slice(1), ...TAIL]),
    /illegal padding/,
  ],
  ['negative version', seq([derTlv(Tag.INTEGER, Uint8Array.of(0xff)), ...head().slice(1), ...TAIL]), /negative value/],
  [
    'comp_id 2 bytes',
    seq([...head(), exp(4, oct([])), exp(11, oct([1, 2])), exp(19, int(29))]),
    /comp_id must be 1 byte/,
  ],
  [
    'two values in [2]',
    seq([...head(), derTlv(ctxTag(2), Uint8Array.of(2, 1, 5, 2, 1, 6)), ...TAIL]),
    /explicit tag holds more than one value/,
  ],
  [
    'wrong type in [9]',
    seq([...head(), exp(4, oct([])), exp(9, oct([1])), exp(19, int(29))]),
    /\[9\] tlsext_tick_lifetime_hint/,
  ],
  ['missing master_key', seq(head().slice(0, 4)), /master_key missing/],
  ['not a SEQUENCE', oct([1, 2, 3]), /expected a SEQUENCE/],
  [
    'truncated DER',
    encodeSession(
      createSession({ version: 0x0303, cipherSuite: 0xc02f, masterKey: new Uint8Array(48), time: NOW }),
    ).subarray(0, 40),
    /malformed SSL_SESSION/,
  ],
];

for (const [name, der, re] of REJECTED) {
  test(`decodeSession rejects ${name}`, () => {
    assert.throws(
      () => decodeSession(der, NOW),
      (e: unknown) => e instanceof SessionFormatError && re.test(e.message),
    );
  });
}

test('absent [1] time loads as now, absent [2] timeout as 3 s, absent [19] as 0; trailing bytes ignored', () => {
  const s = decodeSession(seq([...head(), exp(4, oct([]))]), NOW);
  assert.equal(s.time, NOW);
  assert.equal(s.receivedAtMs, NOW * 1000);
  assert.equal(s.timeout, 3);
  assert.equal(s.kexGroup, 0);
  // An explicit zero counts as absent for the Z types; OpenSSL then writes what it loaded.
  const z = decodeSession(seq([...head(), exp(1, int(0)), exp(2, int(0)), ...TAIL]), NOW);
  assert.equal(z.time, NOW);
  assert.equal(z.timeout, 3);
  // d2i reads one object; PEM_read_bio_SSL_SESSION and sess_id ignore what follows it.
  const der = seq([...head(), ...TAIL]);
  const withJunk = Uint8Array.from([...der, 0xde, 0xad]);
  assert.deepEqual(decodeSession(withJunk, NOW), decodeSession(der, NOW));
  // [0] key_arg (an SSLv2 relic) is read and dropped.
  const keyArg = decodeSession(seq([...head(), derTlv(0x80, Uint8Array.of(1, 2)), ...TAIL]), NOW);
  assert.deepEqual(encodeSession(keyArg), encodeSession(decodeSession(seq([...head(), ...TAIL]), NOW)));
  // hostname is a C string: OpenSSL's strndup stops at a NUL.
  assert.equal(
    decodeSession(seq([...head(), exp(4, oct([])), exp(6, oct([0x61, 0, 0x62])), exp(19, int(29))]), NOW).hostname,
    'a',
  );
});

test('encodeSession writes OpenSSL 3.0 field set: [4] and [19] always, Z fields only when non-zero', () => {
  const s = createSession({
    version: 0x0303,
    cipherSuite: 0xc02f,
    masterKey: new Uint8Array(48).fill(1),
    time: 0,
    timeout: 0,
  });
  assert.deepEqual(
    encodeSession(s),
    seq([
      int(1),
      int(0x0303),
      oct([0xc0, 0x2f]),
      oct([]),
      oct(new Uint8Array(48).fill(1)),
      exp(4, oct([])),
      exp(19, int(0)),
    ]),
  );
  assert.equal(hex(encodeSession({ ...s, version: 0x0304, cipherSuite: 0x1301 })).slice(4, 18), '02010102020304'); // ssl_version 02 02 03 04
});

test('encodeSession refuses what OpenSSL could not read back', () => {
  const base = createSession({ version: 0x0303, cipherSuite: 0xc02f, masterKey: new Uint8Array(48), time: NOW });
  const bad: [Partial<Session>, RegExp][] = [
    [{ sessionId: new Uint8Array(33) }, /session_id longer than 32 bytes/],
    [{ masterKey: new Uint8Array(513) }, /master_key longer than 512/],
    [{ sessionIdContext: new Uint8Array(33) }, /session_id_context longer/],
    [{ cipherSuite: 0x0a0b }, /unknown cipher 0x0a0b/],
    [{ version: 0x0203 }, /unsupported ssl version/],
    [{ tickAgeAdd: 2 ** 32 }, /out of range for ZUINT32/],
    [{ time: 1.5 }, /not an integer/],
    [{ hostname: 'bücher\u0100' }, /not a byte/],
    [{ peerCertificate: Uint8Array.of(0x04, 0x00) }, /peer certificate/],
    [{ peerCertificate: Uint8Array.of(0x30, 0x00, 0x00) }, /trailing bytes after the Certificate/],
  ];
  for (const [patch, re] of bad) {
    assert.throws(
      () => encodeSession({ ...base, ...patch }),
      (e: unknown) => e instanceof SessionFormatError && re.test(e.message),
      re.source,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// Portability: the real OpenSSL CLI reads what we write, prints what we print, and re-encodes
// it to the same bytes (so the field set and order are OpenSSL's own).

function openssl(args: string[], input?: string): { ok: boolean; out: string } {
  try {
    return {
      ok: true,
      out: execFileSync('openssl', args, {
        encoding: 'latin1',
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(input ? { input } : {}),
      }),
    };
  } catch (e) {
    const err = e as { code?: string; stdout?: string };
    if (err.code === 'ENOENT')
      throw new Error('these tests need the openssl command (OpenSSL 3.0) on PATH', { cause: e });
    return { ok: false, out: err.stdout ?? '' };
  }
}

const VERIFY_TEXT: Record<number, string> = {
  0: 'ok',
  18: 'self-signed certificate',
  20: 'unable to get local issuer certificate',
};
const verifyText = (c: number): string => VERIFY_TEXT[c] ?? `verify error ${c}`;

test('openssl sess_id reads hand-built sessions, prints the same block and re-encodes the same DER', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-sess-'));
  try {
    const ticket13 = Uint8Array.from({ length: 21 }, (_, i) => (i * 37 + 0x1d) & 0xff);
    const built: Session[] = [
      createSession({
        version: 0x0304,
        cipherSuite: 0x1301,
        masterKey: new Uint8Array(32).fill(0x5a),
        time: 1_795_000_000,
        timeout: 7200,
        sessionId: sha256(ticket13),
        ticket: ticket13,
        tickLifetimeHint: 604800,
        tickAgeAdd: 0xfedcba98,
        maxEarlyData: 16384,
        hostname: 'example.test',
        alpnSelected: new TextEncoder().encode('h2'),
        maxFragmentLenMode: 2,
        ticketAppData: Uint8Array.of(1, 2, 3),
        kexGroup: 0x11ec,
        verifyResult: 20,
        peerCertificate: one(s13Pem).peerCertificate,
      }),
      createSession({
        version: 0x0303,
        cipherSuite: 0xcca9,
        masterKey: new Uint8Array(48).fill(0xc3),
        time: 1_700_000_000,
        timeout: 300,
        sessionId: new Uint8Array(32).fill(0x11),
        sessionIdContext: Uint8Array.of(0xaa, 0xbb),
        flags: 1,
        kexGroup: 23,
        compressionMethod: 1,
      }),
      createSession({
        version: 0x0303,
        cipherSuite: 0x009c,
        masterKey: new Uint8Array(48),
        time: 1,
        timeout: 1,
        ticket: new Uint8Array(0),
      }),
    ];
    built.forEach((s, i) => {
      const file = join(dir, `s${i}.pem`);
      writeFileSync(file, encodeSessionPem([s]));
      const text = openssl(['sess_id', '-text', '-noout', '-in', file]);
      assert.ok(text.ok, `openssl sess_id could not read session ${i}`);
      assert.equal(text.out, formatSslSessionBlock(s, { verifyText }), `printout of session ${i}`);
      const der = openssl(['sess_id', '-outform', 'DER', '-in', file]);
      assert.ok(der.ok);
      assert.equal(
        Buffer.from(der.out, 'latin1').toString('hex'),
        Buffer.from(encodeSession(s)).toString('hex'),
        `DER of session ${i}`,
      );
    });
    assert.ok(formatSslSessionBlock(built[0]!, { verifyText }).includes('Max Early Data: 16384'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openssl sess_id rejects every DER that decodeSession rejects, and reads what it accepts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-sess-'));
  try {
    for (const [name, der] of REJECTED) {
      const file = join(dir, 'bad.der');
      writeFileSync(file, der);
      assert.equal(openssl(['sess_id', '-inform', 'DER', '-noout', '-in', file]).ok, false, `OpenSSL accepted ${name}`);
    }
    const file = join(dir, 'ok.der');
    writeFileSync(file, seq([...head(), ...TAIL]));
    assert.equal(openssl(['sess_id', '-inform', 'DER', '-noout', '-in', file]).ok, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
