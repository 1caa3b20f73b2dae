/**
 * A whole TLS_AES_256_GCM_SHA384 connection from "The Illustrated TLS 1.3 Connection"
 * (syncsynchalt/illustrated-tls13 @ 8d83cef06a97cf7094740d5c0c251ad09265cf95, MIT), whose
 * ephemeral keys are deterministic: the key schedule is derived from the two x25519 private keys
 * and the captured hello messages, every captured encrypted record is opened (and re-sealed byte
 * for byte), the secrets are compared with the capture's NSS key log, and both Finished messages
 * are checked with verifyFinished. Runs once per crypto provider (node, noble).
 *
 * The capture is copied in as hex constants (each comment names the file under captures/ or
 * site/files/); nothing here reads /work/shared at run time. The captures/caps/*  plaintext files
 * hold the TLSInnerPlaintext: the message followed by its one-byte inner content type.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromHex, toHex } from '../../src/tls/codec/bytes.js';
import { HandshakeType, decodeNewSessionTicket13, decodeServerHello } from '../../src/tls/codec/handshake.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { KeySchedule, finishedVerifyData, trafficKeys, verifyFinished } from '../../src/tls/handshake/keyschedule.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';
import { ContentType, Tls13Protection } from '../../src/tls/record/protection.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

// site/files/client-ephemeral-private.key (PKCS#8 X25519): the 32-byte private key
const CLIENT_PRIV = fromHex('202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f');
// site/files/client-ephemeral-public.key (SPKI X25519): the 32-byte public key
const CLIENT_PUB = fromHex('358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254');
// site/files/server-ephemeral-private.key (PKCS#8 X25519): the 32-byte private key
const SERVER_PRIV = fromHex('909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
// site/files/server-ephemeral-public.key (SPKI X25519): the 32-byte public key
const SERVER_PUB = fromHex('9fd7ad6dcff4298dd3f96d5b1b2af910a0535b1488d7f8fabb349a982880b615');

// captures/keylog.txt (NSS key log; every line's client_random is 000102..1f)
const KEYLOG_CLIENT_RANDOM = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
// captures/keylog.txt: SERVER_HANDSHAKE_TRAFFIC_SECRET
const KEYLOG_SERVER_HS = fromHex(
  '23323da031634b241dd37d61032b62a4f450584d1f7f47983ba2f7cc0cdcc39a68f481f2b019f9403a3051908a5d1622',
);
// captures/keylog.txt: CLIENT_HANDSHAKE_TRAFFIC_SECRET
const KEYLOG_CLIENT_HS = fromHex(
  'db89d2d6df0e84fed74a2288f8fd4d0959f790ff23946cdf4c26d85e51bebd42ae184501972f8d30c4a3e4a3693d0ef0',
);
// captures/keylog.txt: EXPORTER_SECRET
const KEYLOG_EXPORTER = fromHex(
  '5da16dd8325dd8279e4535363384d9ad0dbe370538fc3ad74e53d533b77ac35ee072d56c90871344e6857ccb2efc9e14',
);
// captures/keylog.txt: SERVER_TRAFFIC_SECRET_0
const KEYLOG_SERVER_AP = fromHex(
  '86c967fd7747a36a0685b4ed8d0e6b4c02b4ddaf3cd294aa44e9f6b0183bf911e89a189ba5dfd71fccffb5cc164901f8',
);
// captures/keylog.txt: CLIENT_TRAFFIC_SECRET_0
const KEYLOG_CLIENT_AP = fromHex(
  '9e47af27cb60d818a9ea7d233cb5ed4cc525fcd74614fb24b0ee59acb8e5aa7ff8d88b89792114208fec291a6fa96bad',
);

// captures/caps/clienthello: the ClientHello record as sent (record header included) (253 octets)
const CLIENT_HELLO_RECORD = fromHex(
  '16030100f8010000f40303000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20e0e1e2e3' +
    'e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000813021303130100ff010000a3000000180016' +
    '0000136578616d706c652e756c666865696d2e6e6574000b000403000102000a00160014001d0017001e001900180100' +
    '0101010201030104002300000016000000170000000d001e001c040305030603080708080809080a080b080408050806' +
    '040105010601002b0003020304002d00020101003300260024001d0020358072d6365880d1aeea329adf9121383851ed' +
    '21a28e3b75e965d0d2cd166254',
);
// captures/caps/serverhello: the ServerHello record as sent (record header included) (127 octets)
const SERVER_HELLO_RECORD = fromHex(
  '160303007a020000760303707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f20e0e1e2e3' +
    'e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff130200002e002b0002030400330024001d00209f' +
    'd7ad6dcff4298dd3f96d5b1b2af910a0535b1488d7f8fabb349a982880b615',
);
// captures/caps/serverextensions: decrypted EncryptedExtensions: message || inner content type 0x16 (7 octets)
const SERVER_EE_INNER = fromHex('08000002000016');
// captures/caps/serverencextensions: the encrypted EncryptedExtensions record (server handshake keys, seq 0) (28 octets)
const SERVER_EE_RECORD = fromHex('17030300176be02f9da7c2dc9ddef56f2468b90adfa25101ab0344ae');
// captures/caps/servercert: decrypted Certificate || 0x16 (819 octets)
const SERVER_CERT_INNER = fromHex(
  '0b00032e0000032a0003253082032130820209a0030201020208155a92adc2048f90300d06092a864886f70d01010b05' +
    '003022310b300906035504061302555331133011060355040a130a4578616d706c65204341301e170d31383130303530' +
    '31333831375a170d3139313030353031333831375a302b310b3009060355040613025553311c301a0603550403131365' +
    '78616d706c652e756c666865696d2e6e657430820122300d06092a864886f70d01010105000382010f003082010a0282' +
    '010100c4803606bae7476b089404eca7b691043ff792bc19eefb7d74d7a80d001e7b4b3a4ae60fe8c071fc73e7024c0d' +
    'bcf4bdd11d396bba70464a13e94af83df3e10959547bc955fb412da3765211e1f3dc776caa53376eca3aecbec3aab73b' +
    '31d56cb6529c8098bcc9e02818e20bf7f8a03afd1704509ece79bd9f39f1ea69ec47972e830fb5ca95de95a1e60422d5' +
    'eebe527954a1e7bf8a86f6466d0d9f16951a4cf7a04692595c1352f2549e5afb4ebfd77a37950144e4c026874c653e40' +
    '7d7d23074401f484ffd08f7a1fa05210d1f4f0d5ce79702932e2cabe701fdfad6b4bb71101f44bad666a11130fe2ee82' +
    '9e4d029dc91cdd6716dbb9061886edc1ba94210203010001a3523050300e0603551d0f0101ff0404030205a0301d0603' +
    '551d250416301406082b0601050507030206082b06010505070301301f0603551d23041830168014894fde5bcc69e252' +
    'cf3ea300dfb197b81de1c146300d06092a864886f70d01010b05000382010100591645a69a2e3779e4f6dd271aba1c0b' +
    'fd6cd75599b5e7c36e533eff3659084324c9e7a504079d39e0d42987ffe3ebdd09c1cf1d914455870b571dd19bdf1d24' +
    'f8bb9a11fe80fd592ba0398cde11e2651e618ce598fa96e5372eef3d248afde17463ebbfabb8e4d1ab502a54ec0064e9' +
    '2f7819660d3f27cf209e667fce5ae2e4ac99c7c93818f8b2510722dfed97f32e3e9349d4c66c9ea6396d744462a06b42' +
    'c6d5ba688eac3a017bddfc8e2cfcad27cb69d3ccdca280414465d3ae348ce0f34ab2fb9c618371312b191041641c237f' +
    '11a5d65c844f0404849938712b959ed685bc5c5dd645ed19909473402926dcb40e3469a15941e8e2cca84bb6084636a0' +
    '000016',
);
// captures/caps/serverenccert: the encrypted Certificate record (seq 1) (840 octets)
const SERVER_CERT_RECORD = fromHex(
  '1703030343baf00a9be50f3f2307e726edcbdacbe4b18616449d46c6207af6e9953ee5d2411ba65d31feaf4f78764f2d' +
    '693987186cc01329c187a5e4608e8d27b318e98dd94769f7739ce6768392caca8dcc597d77ec0d1272233785f6e69d6f' +
    '43effa8e7905edfdc4037eee5933e990a7972f206913a31e8d04931366d3d8bcd6a4a4d647dd4bd80b0ff863ce355483' +
    '3d744cf0e0b9c07cae726dd23f9953df1f1ce3aceb3b7230871e92310cfb2b098486f43538f8e82d8404e5c6c25f66a6' +
    '2ebe3c5f26232640e20a769175ef83483cd81e6cb16e78dfad4c1b714b04b45f6ac8d1065ad18c13451c9055c47da300' +
    'f93536ea56f531986d6492775393c4ccb095467092a0ec0b43ed7a0687cb470ce350917b0ac30c6e5c24725a78c45f9f' +
    '5f29b6626867f6f79ce054273547b36df030bd24af10d632dba54fc4e890bd0586928c0206ca2e28e44e227a2d506319' +
    '5935df38da8936092eef01e84cad2e49d62e470a6c7745f625ec39e4fc23329c79d1172876807c36d736ba42bb69b004' +
    'ff55f93850dc33c1f98abb92858324c76ff1eb085db3c1fc50f74ec04442e622973ea70743418794c388140bb492d629' +
    '4a0540e5a59cfae60ba0f14899fca71333315ea083a68e1d7c1e4cdc2f56bcd6119681a4adbc1bbf42afd806c3cbd42a' +
    '076f545dee4e118d0b396754be2b042a685dd4727e89c0386a94d3cd6ecb9820e9d49afeed66c47e6fc243eabebbcb0b' +
    '02453877f5ac5dbfbdf8db1052a3c994b224cd9aaaf56b026bb9efa2e01302b36401ab6494e7018d6e5b573bd38bcef0' +
    '23b1fc92946bbca0209ca5fa926b4970b1009103645cb1fcfe552311ff730558984370038fd2cce2a91fc74d6f3e3ea9' +
    'f843eed356f6f82d35d03bc24b81b58ceb1a43ec9437e6f1e50eb6f555e321fd67c8332eb1b832aa8d795a27d479c6e2' +
    '7d5a61034683891903f66421d094e1b00a9a138d861e6f78a20ad3e1580054d2e305253c713a02fe1e28deee7336246f' +
    '6ae34331806b46b47b833c39b9d31cd300c2a6ed831399776d07f570eaf0059a2c68a5f3ae16b617404af7b7231a4d94' +
    '2758fc020b3f23ee8c15e36044cfd67cd640993b16207597fbf385ea7a4d99e8d456ff83d41f7b8b4f069b028a2a63a9' +
    '19a70e3a10e3084158faa5bafa30186c6b2f238eb530c73e',
);
// captures/caps/servercertverify: decrypted CertificateVerify || 0x16 (265 octets)
const SERVER_CV_INNER = fromHex(
  '0f000104080401005cbb24c0409332daa920bbabbdb9bd50170be49cfbe0a4107fca6ffb1068e65f969e6de7d4f9e560' +
    '38d67c69c031403a7a7c0bcc8683e65721a0c72cc6634019ad1d3ad265a812615ba36380372084f5daec7e63d3f4933f' +
    '27227419a611034644dcdbc7be3e74ffac473faaadde8c2fc65f3265773e7e62de33861fa705d19c506e896c8d82f5bc' +
    'f35fece259b71538115e9c8cfba62e49bb8474f58587b11b8ae317c633e9c76c791d466284ad9c4ff735a6d2e963b59b' +
    'bca440a307091a1b4e46bcc7a2f9fb2f1c898ecb19918be4121d7e8ed04cd50c9a59e987980107bbbf299c232e7fdbe1' +
    '0a4cfdae5c891c96afdff94b54ccd2bc19d3cdaa6644859c16',
);
// captures/caps/serverenccertverify: the encrypted CertificateVerify record (seq 2) (286 octets)
const SERVER_CV_RECORD = fromHex(
  '170303011973719fce07ec2f6d3bba0292a0d40b2770c06a271799a53314f6f77fc95c5fe7b9a4329fd9548c670ebeea' +
    '2f2d5c351dd9356ef2dcd52eb137bd3a676522f8cd0fb7560789ad7b0e3caba2e37e6b4199c6793b3346ed46cf740a9f' +
    'a1fec414dc715c415c60e575703ce6a34b70b5191aa6a61a18faff216c687ad8d17e12a7e99915a611bfc1a2befc15e6' +
    'e94d784642e682fd17382a348c301056b940c9847200408bec56c81ea3d7217ab8e85a88715395899c90587f72e8ddd7' +
    '4b26d8edc1c7c837d9f2ebbc260962219038b05654a63a0b12999b4a8306a3ddcc0e17c53ba8f9c80363f7841354d291' +
    'b4ace0c0f330c0fcd5aa9deef969ae8ab2d98da88ebb6ea80a3a11f00ea296a3232367ff075e1c66dd9cbedc4713',
);
// captures/caps/serverfinished: decrypted server Finished || 0x16 (53 octets)
const SERVER_FIN_INNER = fromHex(
  '140000307e30eeccb6b23be6c6ca363992e842da877ee64715ae7fc0cf87f9e5032182b5bb48d1e33f9979055a160c8d' + 'bbb1569c16',
);
// captures/caps/serverencfinished: the encrypted server Finished record (seq 3) (74 octets)
const SERVER_FIN_RECORD = fromHex(
  '17030300451061de27e51c2c9f342911806f282b710c10632ca5006755880dbf7006002d0e84fed9adf27a43b5192303' +
    'e4df5c285d58e3c76224078440c0742374744aecf28cf3182fd0',
);
// captures/caps/clientfinished: client Finished || 0x16 (53 octets)
const CLIENT_FIN_INNER = fromHex(
  '14000030bff56a671b6c659d0a7c5dd18428f58bdd38b184a3ce342d9fde95cbd5056f7da7918ee320eab7a93abd8f1c' + '02454d2716',
);
// captures/caps/clientencfinished: the encrypted client Finished record (client handshake keys, seq 0) (74 octets)
const CLIENT_FIN_RECORD = fromHex(
  '17030300459ff9b063175177322a46dd9896f3c3bb820ab51743ebc25fdadd53454b73deb54cc7248d411a18bccf657a' +
    '960824e9a19364837c350a69a88d4bf635c85eb874aebc9dfde8',
);
// captures/caps/clientdata: client application data "ping" || 0x17 (5 octets)
const CLIENT_DATA_INNER = fromHex('70696e6717');
// captures/caps/clientencdata: the encrypted client application data record (client application keys, seq 0) (26 octets)
const CLIENT_DATA_RECORD = fromHex('1703030015828139cb7b73aaabf5b82fbf9a2961bcde10038a32');
// captures/caps/serverticket1: decrypted NewSessionTicket 1 || 0x16 (218 octets)
const SERVER_TICKET1_INNER = fromHex(
  '040000d500001c200000000008000000000000000000c04142434445464748494a4b4c4d4e4f00495644415441495644' +
    '41544100414553cb119d4dbd2a21ecc226a6090ee8ca58df09039b3596f4de79980ea325d514625c0c21c50f03261dc4' +
    '2ce7c5970c4c01ea331cffc89966ef548be4df9a8ba4385beb8680fd0b78dfb8e98efc8fccd814fecd1d9bce89ca05dc' +
    '28c249e5bd61d03a568f9a0a46fbfd05302db6b2f7a313e33267bf0bcbdcecfb04a4d82f5a69451f567ab5199bb26c5c' +
    'f20072f0450373028fe071d4f41d8f61ae024d69bbae4c000016',
);
// captures/caps/serverencticket1: the encrypted NewSessionTicket 1 record (server application keys, seq 0) (239 octets)
const SERVER_TICKET1_RECORD = fromHex(
  '17030300ea382d8c19a47f4e8d9b0c510bc348db2cc99b241cd0d18b31d0ca1ac12dc1e303c58d0c7e9e27294c6b0e31' +
    '98f7d319eb14622ec48b6ac8f866d7494fa775c880ff43ad4b1af53a03ca197795778fff2ffe1d3b99b34de782a76abf' +
    'a840e6366cd7349d9bcff641f5e0dff95e40d72e09effe18ee64672cb96005404488ad1896c44a5fd174998e9b0094d8' +
    'e6d84d2929b7883dc9a3c3c7313a87293f31b61d24d99097c8853bfbeb95d1d01f99ca05b0501859cf6340e837707597' +
    '0152fa94f5f5be2906e72a15e40836a41f4cd3dbe7d513c16e88611d3eae9338d9db1f91ca3d5842602a610b43a463',
);
// captures/caps/serverticket2: decrypted NewSessionTicket 2 || 0x16 (218 octets)
const SERVER_TICKET2_INNER = fromHex(
  '040000d500001c200000000008000000000000000100c04142434445464748494a4b4c4d4e4f00495644415441495644' +
    '41544100414553cb119d4dbd2a21ecc226a6090ee8ca58df09039b3596f4de79980ea325d514625c0c21c50f03261dc4' +
    '2ce7c5970c4c011606fb998a86c3fa30e55eea91f1fff318fc7bd58831bf49c88d7b590591a65c7de8cfc677468a54fd' +
    'bec0d853be2021c8bbfcdbe51f5d9a0c7085841a01e49585f68b4afee1d707e2cbb1a0b423aa7e32d5607bd99dd4db3c' +
    '9aaaed43d35d26b4b1c6847171eaa07a9bc8cbf758499a000016',
);
// captures/caps/serverencticket2: the encrypted NewSessionTicket 2 record (seq 1) (239 octets)
const SERVER_TICKET2_RECORD = fromHex(
  '17030300ea38adfb1d01fd95a60385e8bbf1fd8dcb46709897e7d674c2f7370ec11d8e33eb4f4fe7f54bf4dc0b92fae7' +
    '421c33c6453cebc073159610a09740ab2d056f8d51cfa262007d401236dafc2f7292ff0cc886a4ef389f2ced1226c6b4' +
    'dcf69d994ff9148ef969bc77d9433ab1d3a932542182829f889ad95f04c752f94ace57146a5d84b042bfb3485a64e7e9' +
    '57b08980cd08baf9698b8929986d1174d4aa6dd7a7e8c086052c3c76d81934bdf59b966e392031f3471adebddddbe84f' +
    'cf1ff408846ae9b28ca4a9e728844a493d80455d6eaff205b40a1ef18574efc0b96ad383afbd8dfc86f8087c1f7dc8',
);
// captures/caps/serverdata: server application data "pong" || 0x17 (5 octets)
const SERVER_DATA_INNER = fromHex('706f6e6717');
// captures/caps/serverencdata: the encrypted server application data record (seq 2) (26 octets)
const SERVER_DATA_RECORD = fromHex('17030300150cda85f1447ae23fa66d56f4c5408482b1b1d4c998');

// ---------------------------------------------------------------------------------------------
// Helpers

function eq(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(toHex(actual), toHex(expected), what);
}

const TLS12 = 0x0303;
const AEAD = 'AES-256-GCM';
const KEY_LENGTH = 32;

/** A record's body after its 5-byte header, checking the header's type, version and length. */
function recordBody(record: Uint8Array, type: number, version: number): Uint8Array {
  assert.equal(record[0], type, 'record type');
  assert.equal((record[1]! << 8) | record[2]!, version, 'record version');
  assert.equal((record[3]! << 8) | record[4]!, record.length - 5, 'record length');
  return record.subarray(5);
}

/** Splits a captured TLSInnerPlaintext (no padding here) into the message and its content type. */
function inner(plain: Uint8Array): { message: Uint8Array; type: number } {
  return { message: plain.subarray(0, plain.length - 1), type: plain[plain.length - 1]! };
}

const CLIENT_HELLO = recordBody(CLIENT_HELLO_RECORD, ContentType.handshake, 0x0301);
const SERVER_HELLO = recordBody(SERVER_HELLO_RECORD, ContentType.handshake, TLS12);
const EE = inner(SERVER_EE_INNER).message;
const CERTIFICATE = inner(SERVER_CERT_INNER).message;
const CERTIFICATE_VERIFY = inner(SERVER_CV_INNER).message;
const SERVER_FINISHED = inner(SERVER_FIN_INNER).message;
const CLIENT_FINISHED = inner(CLIENT_FIN_INNER).message;

/** The connection's key schedule, derived from the private keys and the captured messages. */
function derive(p: CryptoProvider) {
  const shared = p.generateKeyShare('x25519', CLIENT_PRIV).computeSecret(SERVER_PUB);
  const t = new Transcript(p);
  t.add(CLIENT_HELLO);
  t.setHash('sha384');
  t.add(SERVER_HELLO);
  const ks = new KeySchedule(p, 'sha384');
  ks.deriveHandshakeSecret(shared);
  const hs = ks.handshakeTrafficSecrets(t.hash());
  ks.deriveMasterSecret();
  t.add(EE);
  t.add(CERTIFICATE);
  t.add(CERTIFICATE_VERIFY);
  const certificateVerifyHash = t.hash();
  t.add(SERVER_FINISHED);
  const serverFinishedHash = t.hash();
  const app = ks.applicationSecrets(serverFinishedHash);
  t.add(CLIENT_FINISHED);
  return {
    shared,
    hs,
    app,
    certificateVerifyHash,
    serverFinishedHash,
    serverHs: trafficKeys(p, 'sha384', hs.server, KEY_LENGTH),
    clientHs: trafficKeys(p, 'sha384', hs.client, KEY_LENGTH),
    serverAp: trafficKeys(p, 'sha384', app.server, KEY_LENGTH),
    clientAp: trafficKeys(p, 'sha384', app.client, KEY_LENGTH),
  };
}

/** Opens `record` with `prot` and checks it against the captured inner plaintext. */
function openAndCompare(prot: Tls13Protection, record: Uint8Array, innerPlain: Uint8Array, what: string): void {
  const want = inner(innerPlain);
  const opened = prot.open(
    record[0]!,
    (record[1]! << 8) | record[2]!,
    recordBody(record, ContentType.application_data, TLS12),
  );
  assert.equal(opened.type, want.type, `${what}: inner content type`);
  eq(opened.fragment, want.message, `${what}: plaintext`);
}

for (const p of PROVIDERS) {
  describe(`Illustrated TLS 1.3 (TLS_AES_256_GCM_SHA384) [${p.name}]`, () => {
    test('the hellos: client random matches the key log, TLS_AES_256_GCM_SHA384 and x25519 shares', () => {
      assert.equal(CLIENT_HELLO[0], HandshakeType.client_hello);
      eq(CLIENT_HELLO.subarray(6, 38), KEYLOG_CLIENT_RANDOM, 'ClientHello.random = key log client_random');
      const sh = decodeServerHello(SERVER_HELLO.subarray(4));
      assert.equal(sh.isHrr, false);
      assert.equal(sh.cipherSuite, 0x1302, 'TLS_AES_256_GCM_SHA384');
      // The key shares on the wire are the public keys of the site's ephemeral key files.
      const hex = toHex(CLIENT_HELLO);
      assert.ok(hex.includes('001d0020' + toHex(CLIENT_PUB)), 'client x25519 share in ClientHello');
      assert.ok(toHex(SERVER_HELLO).includes('001d0020' + toHex(SERVER_PUB)), 'server x25519 share in ServerHello');
    });

    test('x25519: public keys and one shared secret from both private keys', () => {
      const client = p.generateKeyShare('x25519', CLIENT_PRIV);
      const server = p.generateKeyShare('x25519', SERVER_PRIV);
      eq(client.publicKey, CLIENT_PUB, 'client public key');
      eq(server.publicKey, SERVER_PUB, 'server public key');
      eq(client.computeSecret(SERVER_PUB), server.computeSecret(CLIENT_PUB), 'both sides agree');
      assert.equal(client.computeSecret(SERVER_PUB).length, 32);
    });

    test('SHA-384 traffic secrets equal the key log (handshake, application, exporter)', () => {
      const d = derive(p);
      assert.equal(d.hs.client.length, 48);
      eq(d.hs.server, KEYLOG_SERVER_HS, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
      eq(d.hs.client, KEYLOG_CLIENT_HS, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
      eq(d.app.server, KEYLOG_SERVER_AP, 'SERVER_TRAFFIC_SECRET_0');
      eq(d.app.client, KEYLOG_CLIENT_AP, 'CLIENT_TRAFFIC_SECRET_0');
      eq(d.app.exporter, KEYLOG_EXPORTER, 'EXPORTER_SECRET');
    });

    test("open the server's encrypted handshake records (EE, Certificate, CertificateVerify, Finished; seq 0..3)", () => {
      const d = derive(p);
      assert.equal(d.serverHs.key.length, 32);
      assert.equal(d.serverHs.iv.length, 12);
      const rx = new Tls13Protection(p, AEAD, d.serverHs.key, d.serverHs.iv);
      openAndCompare(rx, SERVER_EE_RECORD, SERVER_EE_INNER, 'EncryptedExtensions');
      openAndCompare(rx, SERVER_CERT_RECORD, SERVER_CERT_INNER, 'Certificate');
      openAndCompare(rx, SERVER_CV_RECORD, SERVER_CV_INNER, 'CertificateVerify');
      openAndCompare(rx, SERVER_FIN_RECORD, SERVER_FIN_INNER, 'server Finished');
      assert.deepEqual(
        [EE[0], CERTIFICATE[0], CERTIFICATE_VERIFY[0], SERVER_FINISHED[0]],
        [
          HandshakeType.encrypted_extensions,
          HandshakeType.certificate,
          HandshakeType.certificate_verify,
          HandshakeType.finished,
        ],
      );
      // The server's side: sealing the same messages in order reproduces the captured records.
      const tx = new Tls13Protection(p, AEAD, d.serverHs.key, d.serverHs.iv);
      eq(tx.seal(ContentType.handshake, EE, TLS12), SERVER_EE_RECORD, 'EncryptedExtensions record');
      eq(tx.seal(ContentType.handshake, CERTIFICATE, TLS12), SERVER_CERT_RECORD, 'Certificate record');
      eq(tx.seal(ContentType.handshake, CERTIFICATE_VERIFY, TLS12), SERVER_CV_RECORD, 'CertificateVerify record');
      eq(tx.seal(ContentType.handshake, SERVER_FINISHED, TLS12), SERVER_FIN_RECORD, 'server Finished record');
    });

    test('server Finished verifies over ClientHello..CertificateVerify; client Finished over ..server Finished', () => {
      const d = derive(p);
      const serverVerifyData = SERVER_FINISHED.subarray(4);
      assert.equal(serverVerifyData.length, 48, 'SHA-384 verify_data');
      assert.equal(
        verifyFinished(p, 'sha384', d.hs.server, d.certificateVerifyHash, serverVerifyData),
        true,
        'server Finished',
      );
      eq(finishedVerifyData(p, 'sha384', d.hs.server, d.certificateVerifyHash), serverVerifyData, 'server verify_data');
      const tampered = serverVerifyData.slice();
      tampered[0]! ^= 0x80;
      assert.equal(
        verifyFinished(p, 'sha384', d.hs.server, d.certificateVerifyHash, tampered),
        false,
        'tampered server Finished',
      );
      assert.equal(
        verifyFinished(p, 'sha384', d.hs.server, d.serverFinishedHash, serverVerifyData),
        false,
        'server Finished over the wrong transcript',
      );
      const clientVerifyData = CLIENT_FINISHED.subarray(4);
      assert.equal(
        verifyFinished(p, 'sha384', d.hs.client, d.serverFinishedHash, clientVerifyData),
        true,
        'client Finished',
      );
      eq(finishedVerifyData(p, 'sha384', d.hs.client, d.serverFinishedHash), clientVerifyData, 'client verify_data');
    });

    test('seal the client Finished record byte for byte and open it', () => {
      const d = derive(p);
      const tx = new Tls13Protection(p, AEAD, d.clientHs.key, d.clientHs.iv);
      eq(tx.seal(ContentType.handshake, CLIENT_FINISHED, TLS12), CLIENT_FIN_RECORD, 'client Finished record');
      openAndCompare(
        new Tls13Protection(p, AEAD, d.clientHs.key, d.clientHs.iv),
        CLIENT_FIN_RECORD,
        CLIENT_FIN_INNER,
        'client Finished',
      );
    });

    test('application data both ways and the two NewSessionTickets (server seq 0, 1, 2)', () => {
      const d = derive(p);
      const clientTx = new Tls13Protection(p, AEAD, d.clientAp.key, d.clientAp.iv);
      const ping = inner(CLIENT_DATA_INNER);
      assert.equal(new TextDecoder().decode(ping.message), 'ping');
      eq(clientTx.seal(ping.type, ping.message, TLS12), CLIENT_DATA_RECORD, 'client "ping" record');
      openAndCompare(
        new Tls13Protection(p, AEAD, d.clientAp.key, d.clientAp.iv),
        CLIENT_DATA_RECORD,
        CLIENT_DATA_INNER,
        'client data',
      );

      const clientRx = new Tls13Protection(p, AEAD, d.serverAp.key, d.serverAp.iv);
      openAndCompare(clientRx, SERVER_TICKET1_RECORD, SERVER_TICKET1_INNER, 'NewSessionTicket 1');
      openAndCompare(clientRx, SERVER_TICKET2_RECORD, SERVER_TICKET2_INNER, 'NewSessionTicket 2');
      openAndCompare(clientRx, SERVER_DATA_RECORD, SERVER_DATA_INNER, 'server data');
      assert.equal(new TextDecoder().decode(inner(SERVER_DATA_INNER).message), 'pong');

      const t1 = decodeNewSessionTicket13(inner(SERVER_TICKET1_INNER).message.subarray(4));
      const t2 = decodeNewSessionTicket13(inner(SERVER_TICKET2_INNER).message.subarray(4));
      assert.equal(t1.lifetime, 7200, 'ticket 1 lifetime');
      eq(t1.nonce, fromHex('0000000000000000'), 'ticket 1 nonce');
      eq(t2.nonce, fromHex('0000000000000001'), 'ticket 2 nonce');

      const serverTx = new Tls13Protection(p, AEAD, d.serverAp.key, d.serverAp.iv);
      eq(
        serverTx.seal(ContentType.handshake, inner(SERVER_TICKET1_INNER).message, TLS12),
        SERVER_TICKET1_RECORD,
        'ticket 1 record',
      );
      eq(
        serverTx.seal(ContentType.handshake, inner(SERVER_TICKET2_INNER).message, TLS12),
        SERVER_TICKET2_RECORD,
        'ticket 2 record',
      );
      eq(
        serverTx.seal(ContentType.application_data, inner(SERVER_DATA_INNER).message, TLS12),
        SERVER_DATA_RECORD,
        'server "pong" record',
      );
    });

    test('handshake keys do not open application records (and vice versa)', () => {
      const d = derive(p);
      const wrong = new Tls13Protection(p, AEAD, d.serverHs.key, d.serverHs.iv);
      assert.throws(
        () =>
          wrong.open(
            ContentType.application_data,
            TLS12,
            recordBody(SERVER_TICKET1_RECORD, ContentType.application_data, TLS12),
          ),
        (e: unknown) => (e as { alertName?: string }).alertName === 'bad_record_mac',
      );
      const wrong2 = new Tls13Protection(p, AEAD, d.clientAp.key, d.clientAp.iv);
      assert.throws(
        () =>
          wrong2.open(
            ContentType.application_data,
            TLS12,
            recordBody(CLIENT_FIN_RECORD, ContentType.application_data, TLS12),
          ),
        (e: unknown) => (e as { alertName?: string }).alertName === 'bad_record_mac',
      );
    });
  });
}
