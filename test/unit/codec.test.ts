/**
 * The codec both ways: every handshake message and extension body in src/tls/codec has an
 * encoder and a decoder, and decode(encode(x)) = x, encode(decode(bytes)) = bytes. The TLS 1.3
 * messages are RFC 8448's (copied as constants naming their section); the TLS 1.2 messages and
 * the extension bodies are built here and checked field by field, so an encoder and a decoder
 * that are wrong the same way still fail against the RFC bytes or the hand-written layout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/tls/codec/bytes.js';
import {
  HandshakeType,
  HRR_RANDOM,
  frameHandshake,
  encodeClientHello,
  decodeClientHello,
  encodeServerHello,
  decodeServerHello,
  encodeEncryptedExtensions,
  decodeEncryptedExtensions,
  encodeCertificateMsg,
  encodeCertificate,
  decodeCertificate,
  encodeCertificateVerify,
  decodeCertificateVerify,
  encodeCertificateRequest13,
  decodeCertificateRequest13,
  encodeCertificateRequest12,
  decodeCertificateRequest12,
  encodeNewSessionTicket13,
  decodeNewSessionTicket13,
  encodeNewSessionTicket12,
  decodeNewSessionTicket12,
  encodeKeyUpdate,
  decodeKeyUpdate,
  encodeServerKeyExchangeEcdhe,
  encodeServerEcdhParams,
  decodeServerKeyExchangeEcdhe,
  encodeClientKeyExchangeEcdhe,
  decodeClientKeyExchangeEcdhe,
} from '../../src/tls/codec/handshake.js';
import {
  ExtensionType,
  findExtension,
  serverNameExt,
  readServerName,
  maxFragmentLengthExt,
  readMaxFragmentLength,
  supportedGroupsExt,
  signatureAlgorithmsExt,
  readU16List,
  ecPointFormatsExt,
  readEcPointFormats,
  alpnExt,
  readAlpnList,
  selectedAlpnExt,
  readSelectedAlpn,
  supportedVersionsExt,
  readSupportedVersions,
  selectedVersionExt,
  readSelectedVersion,
  keyShareClientExt,
  readClientKeyShares,
  serverKeyShareExt,
  readServerKeyShare,
  hrrKeyShareExt,
  readHrrKeyShare,
  pskModesExt,
  readPskModes,
  offeredPsksExt,
  readOfferedPsks,
  selectedIdentityExt,
  readSelectedIdentity,
  cookieExt,
  readCookie,
  renegotiationInfoExt,
  readRenegotiationInfo,
  type Extension,
} from '../../src/tls/codec/extensions.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';

// RFC 8448 §3, client step 'construct a ClientHello handshake message': ClientHello (196 octets)
const S3_CLIENT_HELLO = fromHex(
  '010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001',
);
// RFC 8448 §3, server step 'construct a ServerHello handshake message': ServerHello (90 octets)
const S3_SERVER_HELLO = fromHex(
  '020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304',
);
// RFC 8448 §3, server step 'construct an EncryptedExtensions handshake message': EncryptedExtensions (40 octets)
const S3_ENCRYPTED_EXTENSIONS = fromHex(
  '080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000',
);
// RFC 8448 §3, server step 'construct a Certificate handshake message': Certificate (445 octets)
const S3_CERTIFICATE = fromHex(
  '0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000',
);
// RFC 8448 §3, server step 'construct a CertificateVerify handshake message': CertificateVerify (136 octets)
const S3_CERTIFICATE_VERIFY = fromHex(
  '0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3',
);
// RFC 8448 §3, server step 'construct a NewSessionTicket handshake message': NewSessionTicket (205 octets)
const S3_NEW_SESSION_TICKET = fromHex(
  '040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d3570008002a000400000400',
);
// RFC 8448 §4, client step 'send handshake record': payload (512 octets), the whole ClientHello with its binder
const S4_CLIENT_HELLO = fromHex(
  '010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95000006130113031302010001cd0000000b0009000006736572766572ff01000100000a00140012001d00170018001901000101010201030104003300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b002a0000002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c0002400100150057000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb0021203add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d',
);
// RFC 8448 §5, server step 'construct a ServerHello handshake message': ServerHello (176 octets)
const S5_HRR = fromHex(
  '020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c001301000084003300020017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002b00020304',
);
// RFC 8448 §6, server step 'construct a CertificateRequest handshake message': CertificateRequest (43 octets)
const S6_CERTIFICATE_REQUEST = fromHex(
  '0d000027000024000d0020001e040305030603020308040805080604010501060102010402050206020202',
);

/** The body of a whole handshake message, after checking its header's type and length. */
function body(message: Uint8Array, type: number): Uint8Array {
  assert.equal(message[0], type, 'handshake type');
  const len = ((message[1] ?? 0) << 16) | ((message[2] ?? 0) << 8) | (message[3] ?? 0);
  assert.equal(len, message.length - 4, 'handshake length');
  return message.subarray(4);
}
const hex = (b: Uint8Array): string => toHex(b);
const ext = (exts: Extension[], type: number): Uint8Array => {
  const e = findExtension(exts, type);
  assert.ok(e, `extension ${type} present`);
  return e.data;
};

test('ClientHello (RFC 8448 §3): decode gives the RFC fields, encode gives the RFC bytes back', () => {
  const ch = decodeClientHello(body(S3_CLIENT_HELLO, HandshakeType.client_hello));
  assert.equal(ch.legacyVersion, 0x0303);
  assert.deepEqual(ch.cipherSuites, [0x1301, 0x1303, 0x1302]);
  assert.deepEqual([...ch.compressionMethods], [0]);
  assert.equal(ch.sessionId.length, 0);
  assert.deepEqual(
    ch.extensions.map((e) => e.type),
    [0, 0xff01, 10, 35, 51, 43, 13, 45, 28],
  );
  assert.equal(readServerName(ext(ch.extensions, ExtensionType.server_name)), 'server');
  assert.deepEqual(readSupportedVersions(ext(ch.extensions, ExtensionType.supported_versions)), [0x0304]);
  assert.deepEqual(
    readU16List(ext(ch.extensions, ExtensionType.supported_groups), 'supported_groups'),
    [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104],
  );
  const shares = readClientKeyShares(ext(ch.extensions, ExtensionType.key_share));
  assert.equal(shares.length, 1);
  assert.equal(shares[0]?.group, 0x001d);
  assert.equal(
    hex(shares[0]?.key ?? new Uint8Array(0)),
    '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c',
  );
  assert.deepEqual(readPskModes(ext(ch.extensions, ExtensionType.psk_key_exchange_modes)), [1]);
  assert.deepEqual([...readRenegotiationInfo(ext(ch.extensions, ExtensionType.renegotiation_info))], []);
  assert.equal(hex(frameHandshake(HandshakeType.client_hello, encodeClientHello(ch))), hex(S3_CLIENT_HELLO));
});

test('ClientHello with a PSK (RFC 8448 §4): identities, binders and the binders length round-trip', () => {
  const ch = decodeClientHello(body(S4_CLIENT_HELLO, HandshakeType.client_hello));
  const last = ch.extensions[ch.extensions.length - 1];
  assert.equal(last?.type, ExtensionType.pre_shared_key);
  const psk = readOfferedPsks(last?.data ?? new Uint8Array(0));
  assert.equal(psk.identities.length, 1);
  assert.equal(psk.identities[0]?.identity.length, 178);
  assert.equal(psk.identities[0]?.obfuscatedAge, 0xfad6aacb); // §3's ticket_age_add 0xfad6aac5 plus the ticket age
  assert.equal(psk.binders[0]?.length, 32);
  assert.equal(psk.bindersLength, 2 + 1 + 32);
  assert.equal(hex(offeredPsksExt(psk).data), hex(last?.data ?? new Uint8Array(0)));
  assert.equal(hex(frameHandshake(HandshakeType.client_hello, encodeClientHello(ch))), hex(S4_CLIENT_HELLO));
});

test('ServerHello (RFC 8448 §3) and HelloRetryRequest (§5) round-trip', () => {
  const sh = decodeServerHello(body(S3_SERVER_HELLO, HandshakeType.server_hello));
  assert.equal(sh.isHrr, false);
  assert.equal(sh.cipherSuite, 0x1301);
  assert.equal(readSelectedVersion(ext(sh.extensions, ExtensionType.supported_versions)), 0x0304);
  const ks = readServerKeyShare(ext(sh.extensions, ExtensionType.key_share));
  assert.equal(ks.group, 0x001d);
  assert.equal(hex(ks.key), 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f');
  assert.equal(hex(frameHandshake(HandshakeType.server_hello, encodeServerHello(sh))), hex(S3_SERVER_HELLO));

  const hrr = decodeServerHello(body(S5_HRR, HandshakeType.server_hello));
  assert.equal(hrr.isHrr, true);
  assert.equal(hex(hrr.random), hex(HRR_RANDOM));
  assert.equal(readHrrKeyShare(ext(hrr.extensions, ExtensionType.key_share)), 0x0017);
  const cookie = readCookie(ext(hrr.extensions, ExtensionType.cookie));
  assert.equal(hex(cookieExt(cookie).data), hex(ext(hrr.extensions, ExtensionType.cookie)));
  assert.equal(hex(frameHandshake(HandshakeType.server_hello, encodeServerHello(hrr))), hex(S5_HRR));
});

test('EncryptedExtensions, Certificate, CertificateVerify, NewSessionTicket (RFC 8448 §3) round-trip', () => {
  const ee = decodeEncryptedExtensions(body(S3_ENCRYPTED_EXTENSIONS, HandshakeType.encrypted_extensions));
  assert.deepEqual(
    ee.map((e) => e.type),
    [10, 28, 0],
  );
  assert.equal(readMaxFragmentLength(maxFragmentLengthExt(2).data), 2);
  assert.equal(
    hex(frameHandshake(HandshakeType.encrypted_extensions, encodeEncryptedExtensions(ee))),
    hex(S3_ENCRYPTED_EXTENSIONS),
  );

  const cert = decodeCertificate(body(S3_CERTIFICATE, HandshakeType.certificate), true);
  assert.equal(cert.context.length, 0);
  assert.equal(cert.entries.length, 1);
  assert.equal(cert.entries[0]?.der.length, 432);
  assert.equal(hex(frameHandshake(HandshakeType.certificate, encodeCertificateMsg(cert, true))), hex(S3_CERTIFICATE));
  const der = cert.entries[0]?.der ?? new Uint8Array(0);
  assert.equal(hex(frameHandshake(HandshakeType.certificate, encodeCertificate([der], true))), hex(S3_CERTIFICATE));

  const cv = decodeCertificateVerify(body(S3_CERTIFICATE_VERIFY, HandshakeType.certificate_verify));
  assert.equal(cv.scheme, 0x0804);
  assert.equal(cv.signature.length, 128);
  assert.equal(
    hex(frameHandshake(HandshakeType.certificate_verify, encodeCertificateVerify(cv))),
    hex(S3_CERTIFICATE_VERIFY),
  );

  const nst = decodeNewSessionTicket13(body(S3_NEW_SESSION_TICKET, HandshakeType.new_session_ticket));
  assert.equal(nst.lifetime, 30);
  assert.equal(nst.ageAdd, 0xfad6aac5);
  assert.equal(hex(nst.nonce), '0000');
  assert.equal(nst.ticket.length, 178);
  assert.deepEqual(
    nst.extensions.map((e) => e.type),
    [ExtensionType.early_data],
  );
  assert.equal(
    hex(frameHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket13(nst))),
    hex(S3_NEW_SESSION_TICKET),
  );
});

test('CertificateRequest (RFC 8448 §6, TLS 1.3) and the TLS 1.2 form round-trip', () => {
  const cr = decodeCertificateRequest13(body(S6_CERTIFICATE_REQUEST, HandshakeType.certificate_request));
  assert.equal(cr.context.length, 0);
  assert.deepEqual(
    cr.extensions.map((e) => e.type),
    [ExtensionType.signature_algorithms],
  );
  assert.equal(
    hex(frameHandshake(HandshakeType.certificate_request, encodeCertificateRequest13(cr))),
    hex(S6_CERTIFICATE_REQUEST),
  );

  // RFC 5246 §7.4.4 layout, written out by hand: types <1..255>, sigalgs <2..2^16-2>, authorities <0..2^16-1>.
  const cr12 = {
    certificateTypes: Uint8Array.of(1, 64),
    sigalgs: [0x0403, 0x0804],
    authorities: [Uint8Array.of(0x30, 0)],
  };
  const bytes12 = encodeCertificateRequest12(cr12);
  assert.equal(hex(bytes12), '020140' + '000404030804' + '0004' + '00023000');
  assert.deepEqual(decodeCertificateRequest12(bytes12), cr12);
});

test('TLS 1.2 ServerKeyExchange, ClientKeyExchange and NewSessionTicket round-trip with the RFC layouts', () => {
  const point = Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i));
  const signature = Uint8Array.of(1, 2, 3);
  const ske = encodeServerKeyExchangeEcdhe({ group: 0x0017, point, scheme: 0x0403, signature });
  // RFC 8422 §5.4: curve_type named_curve(3), NamedCurve, ECPoint <1..255>; then the digitally-signed struct.
  assert.equal(hex(ske), '030017' + '41' + hex(point) + '0403' + '0003010203');
  const d = decodeServerKeyExchangeEcdhe(ske);
  assert.equal(d.group, 0x0017);
  assert.equal(hex(d.point), hex(point));
  assert.equal(hex(d.params), hex(encodeServerEcdhParams(0x0017, point)));
  assert.equal(d.scheme, 0x0403);
  assert.equal(hex(d.signature), '010203');

  const cke = encodeClientKeyExchangeEcdhe(point);
  assert.equal(hex(cke), '41' + hex(point));
  assert.equal(hex(decodeClientKeyExchangeEcdhe(cke)), hex(point));

  const nst = { lifetimeHint: 7200, ticket: Uint8Array.of(9, 8, 7) };
  const nstBytes = encodeNewSessionTicket12(nst);
  assert.equal(hex(nstBytes), '00001c20' + '0003090807');
  assert.deepEqual(decodeNewSessionTicket12(nstBytes), nst);
});

test('KeyUpdate both ways (RFC 8446 §4.6.3)', () => {
  assert.equal(hex(encodeKeyUpdate(true)), '01');
  assert.equal(hex(encodeKeyUpdate(false)), '00');
  assert.equal(decodeKeyUpdate(encodeKeyUpdate(true)), 1);
  assert.equal(decodeKeyUpdate(encodeKeyUpdate(false)), 0);
  assert.throws(() => decodeKeyUpdate(Uint8Array.of(1, 0)), TlsAlert);
});

test('extension bodies: each encoder has a decoder that gives its input back', () => {
  assert.equal(readServerName(serverNameExt('example.com').data), 'example.com');
  assert.deepEqual(readU16List(supportedGroupsExt([29, 23]).data, 'groups'), [29, 23]);
  assert.deepEqual(readU16List(signatureAlgorithmsExt([0x0403, 0x0807]).data, 'sigalgs'), [0x0403, 0x0807]);
  assert.deepEqual(readEcPointFormats(ecPointFormatsExt().data), [0]);
  assert.deepEqual(readAlpnList(alpnExt(['h2', 'http/1.1']).data), ['h2', 'http/1.1']);
  assert.equal(readSelectedAlpn(selectedAlpnExt('h2').data), 'h2');
  assert.deepEqual(readSupportedVersions(supportedVersionsExt([0x0304, 0x0303]).data), [0x0304, 0x0303]);
  assert.equal(readSelectedVersion(selectedVersionExt(0x0304).data), 0x0304);
  const key = Uint8Array.of(5, 6, 7);
  assert.deepEqual(readClientKeyShares(keyShareClientExt([{ group: 29, key }]).data), [{ group: 29, key }]);
  assert.deepEqual(readServerKeyShare(serverKeyShareExt(29, key).data), { group: 29, key });
  assert.equal(readHrrKeyShare(hrrKeyShareExt(23).data), 23);
  assert.deepEqual(readPskModes(pskModesExt().data), [1]);
  assert.deepEqual(readPskModes(pskModesExt([0, 1]).data), [0, 1]);
  assert.equal(readSelectedIdentity(selectedIdentityExt(0).data), 0);
  assert.equal(hex(readCookie(cookieExt(Uint8Array.of(1, 2)).data)), '0102');
  assert.equal(hex(readRenegotiationInfo(renegotiationInfoExt(Uint8Array.of(3)).data)), '03');
  assert.equal(readMaxFragmentLength(maxFragmentLengthExt(4).data), 4);
});

test('decoders reject what their encoders never produce', () => {
  const decodeErr = (e: unknown): boolean => e instanceof TlsAlert && e.description === AlertDescription.decode_error;
  assert.throws(() => readSelectedVersion(Uint8Array.of(3, 4, 0)), decodeErr);
  assert.throws(() => readAlpnList(Uint8Array.of(0, 1, 0)), decodeErr);
  assert.throws(() => decodeClientHello(body(S3_CLIENT_HELLO, HandshakeType.client_hello).subarray(0, 100)), decodeErr);
  const psk = offeredPsksExt({
    identities: [{ identity: Uint8Array.of(1), obfuscatedAge: 0 }],
    binders: [new Uint8Array(32), new Uint8Array(32)],
  });
  assert.throws(
    () => readOfferedPsks(psk.data),
    (e: unknown) => e instanceof TlsAlert && e.description === AlertDescription.illegal_parameter,
  );
});
