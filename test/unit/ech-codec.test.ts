/**
 * ECH building blocks (RFC 9849) as pure functions: the ECHConfigList codec against configs made by
 * the real tools (bssl-tool generate-ech, openssl 4.0 ech), config choice, EncodedClientHelloInner
 * with ech_outer_extensions and padding, the sealed ClientHelloOuter opened by a server-side
 * decoder, the HRR second hello on the same HPKE context, and the acceptance confirmations.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Writer, constantTimeEqual } from '../../src/tls/codec/bytes.js';
import { encodeClientHello, frameHandshake, HandshakeType, type ClientHello } from '../../src/tls/codec/handshake.js';
import {
  chooseEchConfig,
  decodeEchConfigList,
  echConfigListFromText,
  echConfigListToBase64,
  echConfigUnusableReason,
  encodeEchConfig,
  encodeEchConfigList,
  readRetryConfigs,
  validPublicName,
  type EchConfigContents,
} from '../../src/tls/ech/config.js';
import {
  clientHelloOuterAad,
  decodeClientHelloInner,
  decodeEchClientHello,
  echInnerExtension,
  echPaddingLength,
  encodeClientHelloInner,
  greaseEchExtension,
  sealClientHelloOuter,
  EXT_ECH_OUTER_EXTENSIONS,
  EXT_ENCRYPTED_CLIENT_HELLO,
} from '../../src/tls/ech/inner.js';
import { echConfirmation, hrrForConfirmation, serverHelloForConfirmation } from '../../src/tls/ech/confirm.js';
import { setupBaseR, setupBaseS, x25519PublicKey } from '../../src/tls/crypto/hpke.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { nobleProvider } from '../../src/tls/crypto/noble.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { HRR_RANDOM } from '../../src/tls/codec/handshake.js';
import { opensslNext } from '../helpers/openssl-next.js';

const p = nodeProvider;
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const alert =
  (name: string) =>
  (e: unknown): boolean =>
    e instanceof TlsAlert && e.alertName === name;

// Written by `openssl ech -public_name example.com` (OpenSSL 4.0.3, Debian experimental).
const OPENSSL40_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VuBCIEIFg0bTGk7r1TtHMDJkp+wvs0aNV8MvlzTzaz5dC0HARF
-----END PRIVATE KEY-----
-----BEGIN ECHCONFIG-----
AD7+DQA6KAAgACA6IYPd4FJeupxVJT7/BiGTMfITye7Jk0iFHsn3+/iJbQAEAAEA
AQALZXhhbXBsZS5jb20AAA==
-----END ECHCONFIG-----
`;

/** The raw X25519 private key at the end of a PKCS#8 PEM (RFC 8410: OCTET STRING in OCTET STRING). */
function x25519FromPkcs8Pem(pem: string): Uint8Array {
  const der = b64(/-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END/.exec(pem)?.[1]?.replace(/\s+/g, '') ?? '');
  return der.subarray(der.length - 32);
}

test('openssl 4.0 ECHCONFIG PEM: the ECHConfigList parses field by field; its key matches the PEM private key', () => {
  const list = echConfigListFromText(OPENSSL40_PEM);
  const [config, ...rest] = decodeEchConfigList(list);
  assert.equal(rest.length, 0);
  assert.ok(config?.contents);
  assert.equal(config.version, 0xfe0d);
  assert.equal(config.contents.configId, 0x28);
  assert.equal(config.contents.kemId, 0x20);
  assert.deepEqual(config.contents.cipherSuites, [{ kdfId: 1, aeadId: 1 }]);
  assert.equal(config.contents.maximumNameLength, 0);
  assert.equal(config.contents.publicName, 'example.com');
  assert.deepEqual(config.contents.extensions, []);
  assert.equal(toHex(x25519PublicKey(p, x25519FromPkcs8Pem(OPENSSL40_PEM))), toHex(config.contents.publicKey));
  // The raw ECHConfig is the list without its 2-byte length; encoding the contents gives it back.
  assert.equal(toHex(config.raw), toHex(list.subarray(2)));
  assert.equal(toHex(encodeEchConfig(config.contents)), toHex(config.raw));
  // Base64 round trip, as --ech-config-list and the JSON retryConfigs use it.
  assert.equal(toHex(echConfigListFromText(echConfigListToBase64(list))), toHex(list));
});

test('openssl 4.0 ech, live: a ChaCha20 suite and max_name_len 64 come back as written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-ech-'));
  const out = join(dir, 'ech.pem');
  await opensslNext('4.0', [
    'ech',
    '-public_name',
    'public.ech.test',
    '-max_name_len',
    '64',
    '-suite',
    '0x20,1,3',
    '-out',
    out,
  ]);
  const pem = readFileSync(out, 'utf8');
  const [config] = decodeEchConfigList(echConfigListFromText(pem));
  assert.ok(config?.contents);
  assert.equal(config.contents.publicName, 'public.ech.test');
  assert.equal(config.contents.maximumNameLength, 64);
  assert.deepEqual(config.contents.cipherSuites, [{ kdfId: 1, aeadId: 3 }]);
  assert.equal(toHex(x25519PublicKey(p, x25519FromPkcs8Pem(pem))), toHex(config.contents.publicKey));
  assert.equal(echConfigUnusableReason(config), null);
});

test('bssl-tool generate-ech, live: list, single config and raw private key agree with the codec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-ech-'));
  const [list, one, key] = ['list', 'config', 'key'].map((n) => join(dir, n)) as [string, string, string];
  execFileSync('bssl-tool', [
    'generate-ech',
    '-out-ech-config-list',
    list,
    '-out-ech-config',
    one,
    '-out-private-key',
    key,
    '-public-name',
    'ech.test',
    '-config-id',
    '7',
    '-max-name-length',
    '32',
  ]);
  const configs = decodeEchConfigList(new Uint8Array(readFileSync(list)));
  assert.equal(configs.length, 1);
  const c = configs[0];
  assert.ok(c?.contents);
  assert.equal(toHex(c.raw), toHex(new Uint8Array(readFileSync(one))));
  assert.equal(c.contents.configId, 7);
  assert.equal(c.contents.maximumNameLength, 32);
  assert.equal(c.contents.publicName, 'ech.test');
  assert.deepEqual(c.contents.cipherSuites, [
    { kdfId: 1, aeadId: 1 },
    { kdfId: 1, aeadId: 3 },
  ]);
  assert.equal(toHex(x25519PublicKey(p, new Uint8Array(readFileSync(key)))), toHex(c.contents.publicKey));
  assert.equal(toHex(encodeEchConfigList([c.raw])), toHex(new Uint8Array(readFileSync(list))));
});

const SK_R = new Uint8Array(32).fill(0x42);
function contents(over: Partial<EchConfigContents> = {}): EchConfigContents {
  return {
    configId: 9,
    kemId: 0x20,
    publicKey: x25519PublicKey(p, SK_R),
    cipherSuites: [{ kdfId: 1, aeadId: 1 }],
    maximumNameLength: 0,
    publicName: 'public.example',
    extensions: [],
    ...over,
  };
}

test('config choice skips unknown versions, KEMs, mandatory extensions and IPv4-like public names', () => {
  const unknownVersion = new Writer()
    .u16(0xfe0c)
    .vec16(Uint8Array.of(1, 2, 3))
    .finish()
    .slice();
  const list = encodeEchConfigList([
    unknownVersion,
    encodeEchConfig(contents({ configId: 1, kemId: 0x10 })),
    encodeEchConfig(contents({ configId: 2, extensions: [{ type: 0xfa00, data: new Uint8Array(0) }] })),
    encodeEchConfig(contents({ configId: 3, publicName: '192.168.0.1' })),
    encodeEchConfig(contents({ configId: 4, publicName: 'a.0x1F' })),
    encodeEchConfig(contents({ configId: 5, cipherSuites: [{ kdfId: 1, aeadId: 0xffff }] })),
    encodeEchConfig(
      contents({
        configId: 6,
        cipherSuites: [
          { kdfId: 1, aeadId: 0xffff },
          { kdfId: 2, aeadId: 3 },
        ],
        extensions: [{ type: 0x0a0a, data: Uint8Array.of(1) }],
      }),
    ),
  ]);
  const configs = decodeEchConfigList(list);
  assert.equal(configs.length, 7);
  const first = configs[0];
  assert.ok(first);
  assert.match(echConfigUnusableReason(first) ?? '', /version 0xfe0c/);
  const choice = chooseEchConfig(configs);
  assert.equal(choice?.contents.configId, 6);
  assert.deepEqual(choice?.suite, { kdfId: 2, aeadId: 3 });
  assert.equal(chooseEchConfig(configs.slice(0, 6)), undefined);
});

test('public_name validation (RFC 9849 §6.1.7)', () => {
  for (const ok of ['example.com', 'a', 'x-y.example', 'a.b.c1']) assert.ok(validPublicName(ok), ok);
  for (const bad of [
    '',
    '.example',
    'example.',
    'a..b',
    '-a.b',
    'a_b.c',
    '1.2.3.4',
    'a.123',
    'a.0x',
    'a.0XfF',
    'x'.repeat(64) + '.a',
  ])
    assert.ok(!validPublicName(bad), bad);
});

test('ECHConfigList text that is not base64, truncated or with a trailing byte is decode_error', () => {
  const good = encodeEchConfigList([encodeEchConfig(contents())]);
  assert.throws(() => echConfigListFromText('not base64 at all!'), alert('decode_error'));
  assert.throws(
    () => echConfigListFromText(echConfigListToBase64(good.subarray(0, good.length - 1))),
    alert('decode_error'),
  );
  const trailing = new Uint8Array([...good, 0]);
  assert.throws(() => decodeEchConfigList(trailing), alert('decode_error'));
  assert.throws(() => decodeEchConfigList(Uint8Array.of(0, 0)), alert('decode_error'));
  const dupExt = encodeEchConfig(
    contents({
      extensions: [
        { type: 1, data: new Uint8Array(0) },
        { type: 1, data: new Uint8Array(0) },
      ],
    }),
  );
  assert.throws(() => decodeEchConfigList(encodeEchConfigList([dupExt])), alert('decode_error'));
});

test('padding (RFC 9849 §6.1.3): name padding to maximum_name_length, then a multiple of 32', () => {
  assert.equal(echPaddingLength(100, 10, 0), 28);
  assert.equal(echPaddingLength(100, 10, 42), 32 + 28);
  assert.equal(echPaddingLength(128, 10, 10), 0);
  assert.equal(echPaddingLength(100, null, 10), 19 + 9); // L + 9 bytes for the missing server_name, then to 128
  assert.equal(echPaddingLength(100, 50, 10), 28); // a name longer than L adds nothing
});

function sni(host: string): { type: number; data: Uint8Array } {
  const name = new TextEncoder().encode(host);
  return {
    type: 0,
    data: new Writer()
      .vec16((w) => w.u8(0).vec16(name))
      .finish()
      .slice(),
  };
}
const versions13 = { type: 43, data: Uint8Array.of(2, 0x03, 0x04) };
const groups = { type: 10, data: Uint8Array.of(0, 2, 0, 0x1d) };
const keyShare = {
  type: 51,
  data: new Writer()
    .vec16((w) => w.u16(0x1d).vec16(new Uint8Array(32).fill(9)))
    .finish()
    .slice(),
};
const sigalgs = { type: 13, data: Uint8Array.of(0, 2, 0x08, 0x04) };

function innerHello(random: Uint8Array, sessionId: Uint8Array): ClientHello {
  return {
    legacyVersion: 0x0303,
    random,
    sessionId,
    cipherSuites: [0x1301, 0x1303],
    extensions: [sni('secret.example'), versions13, groups, keyShare, sigalgs, echInnerExtension()],
  };
}

for (const provider of [nodeProvider, nobleProvider]) {
  test(`${provider.name}: inner hello compressed, padded, sealed into the outer hello; the server side opens it back`, () => {
    const config = contents({ maximumNameLength: 40 });
    const raw = encodeEchConfig(config);
    const info = new Uint8Array([...new TextEncoder().encode('tls ech'), 0, ...raw]);
    const sessionId = new Uint8Array(32).fill(3);
    const inner = innerHello(new Uint8Array(32).fill(1), sessionId);
    const compress = [10, 51];
    const encoded = encodeClientHelloInner(inner, compress, config.maximumNameLength);
    assert.equal(encoded.length % 32, 0);
    // The compressed extensions are replaced by one ech_outer_extensions, in place.
    assert.ok(encoded.length < encodeClientHello(inner).length + 64);
    const outerBase: ClientHello = {
      legacyVersion: 0x0303,
      random: new Uint8Array(32).fill(2),
      sessionId,
      cipherSuites: [0x1301, 0x1303, 0xc02f],
      extensions: [
        sni('public.example'),
        { type: 43, data: Uint8Array.of(4, 0x03, 0x04, 0x03, 0x03) },
        groups,
        keyShare,
        sigalgs,
      ],
    };
    const suite = { kdfId: 1, aeadId: 1 };
    const { enc, context } = setupBaseS(provider, suite, config.publicKey, info);
    const { hello: outer, body } = sealClientHelloOuter(outerBase, encoded, context, { suite, configId: 9, enc });
    assert.equal(outer.extensions.at(-1)?.type, EXT_ENCRYPTED_CLIENT_HELLO);
    assert.equal(toHex(encodeClientHello(outer)), toHex(body));
    // Server: AAD from the received outer hello, open, decode, restore.
    const { aad, fields } = clientHelloOuterAad(outer);
    assert.equal(fields.configId, 9);
    assert.equal(toHex(fields.enc), toHex(enc));
    const r = setupBaseR(provider, fields.suite, fields.enc, SK_R, info);
    const opened = r.open(aad, fields.payload);
    assert.ok(opened, 'the server opens the payload');
    assert.equal(toHex(opened), toHex(encoded));
    const restored = decodeClientHelloInner(opened, outer);
    assert.equal(toHex(encodeClientHello(restored)), toHex(encodeClientHello(inner)));
    // A tampered outer hello (one byte of its random) no longer authenticates (§5.2).
    const tampered = { ...outer, random: outer.random.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const r2 = setupBaseR(provider, fields.suite, fields.enc, SK_R, info);
    assert.equal(r2.open(clientHelloOuterAad(tampered).aad, fields.payload), null);

    // After HelloRetryRequest: the same context (sequence 1), empty enc, same config id and suite.
    const inner2 = {
      ...inner,
      extensions: inner.extensions.map((e) => (e.type === 51 ? { type: 51, data: Uint8Array.of(0, 0) } : e)),
    };
    const encoded2 = encodeClientHelloInner(inner2, [], config.maximumNameLength);
    const second = sealClientHelloOuter(outerBase, encoded2, context, { suite, configId: 9, enc: new Uint8Array(0) });
    const f2 = clientHelloOuterAad(second.hello);
    assert.equal(f2.fields.enc.length, 0);
    const opened2 = r.open(f2.aad, f2.fields.payload);
    assert.ok(opened2, 'the server opens the second payload with its first context');
    assert.equal(
      toHex(encodeClientHello(decodeClientHelloInner(opened2, second.hello))),
      toHex(encodeClientHello(inner2)),
    );
  });
}

test('the inner hello must offer TLS 1.3 only and carry the inner ECH extension; compression must be contiguous', () => {
  const inner = innerHello(new Uint8Array(32), new Uint8Array(0));
  const with12 = {
    ...inner,
    extensions: inner.extensions.map((e) => (e.type === 43 ? { type: 43, data: Uint8Array.of(4, 3, 4, 3, 3) } : e)),
  };
  assert.throws(() => encodeClientHelloInner(with12, [], 0), /TLS 1\.3 only/);
  const noEch = { ...inner, extensions: inner.extensions.filter((e) => e.type !== EXT_ENCRYPTED_CLIENT_HELLO) };
  assert.throws(() => encodeClientHelloInner(noEch, [], 0), /inner encrypted_client_hello/);
  assert.throws(() => encodeClientHelloInner(inner, [10, 13], 0), /contiguous/);
  assert.throws(() => encodeClientHelloInner(inner, [EXT_ENCRYPTED_CLIENT_HELLO], 0), /cannot be compressed/);
});

test('server-side decoding refuses bad padding, references to ECH, and missing or out-of-order outer extensions', () => {
  const inner = innerHello(new Uint8Array(32), new Uint8Array(0));
  const outer: ClientHello = { ...inner, extensions: [sni('p.example'), versions13, keyShare, groups] };
  const encoded = encodeClientHelloInner(inner, [10, 51], 0);
  const badPad = encoded.slice();
  badPad[badPad.length - 1] = 1;
  assert.throws(() => decodeClientHelloInner(badPad, outer), alert('illegal_parameter'));
  // groups before key_share in the inner hello, key_share before groups in the outer: out of order.
  assert.throws(() => decodeClientHelloInner(encoded, outer), alert('illegal_parameter'));
  const missing: ClientHello = { ...outer, extensions: [sni('p.example'), groups] };
  assert.throws(() => decodeClientHelloInner(encoded, missing), alert('illegal_parameter'));
  const refEch = encodeClientHello({
    ...inner,
    extensions: [{ type: EXT_ECH_OUTER_EXTENSIONS, data: Uint8Array.of(2, 0xfe, 0x0d) }, echInnerExtension()],
  });
  const outerWithEch: ClientHello = {
    ...outer,
    extensions: [{ type: EXT_ENCRYPTED_CLIENT_HELLO, data: Uint8Array.of(1) }],
  };
  assert.throws(() => decodeClientHelloInner(refEch, outerWithEch), alert('illegal_parameter'));
});

test('GREASE ECH: outer variant with a valid X25519 enc and a payload as long as a real one', () => {
  const e = greaseEchExtension(p, 256);
  const f = decodeEchClientHello(e.data);
  assert.notEqual(f, 'inner');
  if (f === 'inner') return;
  assert.equal(f.enc.length, 32);
  assert.equal(f.payload.length, 256 + 16);
  assert.deepEqual(f.suite, { kdfId: 1, aeadId: 1 });
});

function serverHello(random: Uint8Array, extensions: Uint8Array): Uint8Array {
  const body = new Writer()
    .u16(0x0303)
    .bytes(random)
    .vec8(new Uint8Array(32).fill(3))
    .u16(0x1301)
    .u8(0)
    .vec16(extensions)
    .finish();
  return frameHandshake(HandshakeType.server_hello, body).slice();
}

test('acceptance confirmation in ServerHello (§7.2): server and client agree; any other transcript differs', () => {
  const innerRandom = new Uint8Array(32).fill(0x11);
  const chInner = frameHandshake(
    HandshakeType.client_hello,
    encodeClientHello(innerHello(innerRandom, new Uint8Array(0))),
  );
  const sh = serverHello(new Uint8Array(32).fill(0x22), Uint8Array.of(0, 43, 0, 2, 3, 4));
  // Server: zero the last 8 bytes, hash CH_inner || SH, write the confirmation in.
  const { zeroed } = serverHelloForConfirmation(sh);
  const th = p.digest('sha256', new Uint8Array([...chInner, ...zeroed]));
  const conf = echConfirmation(p, 'sha256', innerRandom, th, false);
  assert.equal(conf.length, 8);
  const sent = zeroed.slice();
  sent.set(conf, 6 + 24);
  // Client: recompute from what it received.
  const got = serverHelloForConfirmation(sent);
  const th2 = p.digest('sha256', new Uint8Array([...chInner, ...got.zeroed]));
  assert.ok(constantTimeEqual(echConfirmation(nobleProvider, 'sha256', innerRandom, th2, false), got.confirmation));
  // Outer random (what a rejecting server's hello is keyed on) or HRR label: different bytes.
  assert.ok(!constantTimeEqual(echConfirmation(p, 'sha256', new Uint8Array(32), th2, false), got.confirmation));
  assert.ok(!constantTimeEqual(echConfirmation(p, 'sha256', innerRandom, th2, true), got.confirmation));
  assert.equal(echConfirmation(p, 'sha384', innerRandom, p.digest('sha384', chInner), false).length, 8);
});

test('HelloRetryRequest confirmation (§7.2.1): found in the extension, zeroed for the transcript; 7 bytes is decode_error', () => {
  const exts = new Writer()
    .u16(43)
    .vec16(Uint8Array.of(3, 4))
    .u16(EXT_ENCRYPTED_CLIENT_HELLO)
    .vec16(new Uint8Array(8).fill(0xab))
    .finish();
  const hrr = serverHello(HRR_RANDOM, exts);
  const found = hrrForConfirmation(hrr);
  assert.ok(found);
  assert.equal(toHex(found.confirmation), 'ab'.repeat(8));
  assert.equal(found.zeroed.length, hrr.length);
  assert.equal(toHex(found.zeroed.subarray(found.zeroed.length - 8)), '00'.repeat(8));
  assert.equal(toHex(found.zeroed.subarray(0, hrr.length - 8)), toHex(hrr.subarray(0, hrr.length - 8)));
  assert.equal(
    hrrForConfirmation(serverHello(HRR_RANDOM, new Writer().u16(43).vec16(Uint8Array.of(3, 4)).finish())),
    null,
  );
  const short = serverHello(HRR_RANDOM, new Writer().u16(EXT_ENCRYPTED_CLIENT_HELLO).vec16(new Uint8Array(7)).finish());
  assert.throws(() => hrrForConfirmation(short), alert('decode_error'));
});

test('retry_configs in EncryptedExtensions: returned as received; unparseable is decode_error; after acceptance unsupported_extension', () => {
  const list = encodeEchConfigList([encodeEchConfig(contents())]);
  assert.equal(toHex(readRetryConfigs(list, false)), toHex(list));
  assert.throws(() => readRetryConfigs(list.subarray(0, list.length - 2), false), alert('decode_error'));
  assert.throws(() => readRetryConfigs(Uint8Array.of(0, 1, 0), false), alert('decode_error'));
  assert.throws(() => readRetryConfigs(list, true), alert('unsupported_extension'));
});
