/**
 * The TLS 1.3 key schedule, transcript and record protection proved value by value against
 * RFC 8448 ("Example Handshake Traces for TLS 1.3"): §3 (simple 1-RTT), §4 (resumed, PSK binder,
 * 0-RTT) and §5 (HelloRetryRequest). Every intermediate is derived from the RFC's private keys and
 * handshake messages through the project's own KeySchedule / Transcript / Tls13Protection and
 * compared with the RFC's printed value. Every test runs once per crypto provider (node, noble).
 *
 * The vectors are copied in as hex constants (each comment names the RFC section, the side, the
 * step and the field); nothing here reads /work/shared at run time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concat, fromHex, toHex } from '../../src/tls/codec/bytes.js';
import {
  HandshakeType,
  decodeNewSessionTicket13,
  decodeServerHello,
  frameHandshake,
} from '../../src/tls/codec/handshake.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import {
  KeySchedule,
  Label,
  deriveSecret,
  finishedVerifyData,
  hkdfExpandLabel,
  resumptionPsk,
  trafficKeys,
  verifyFinished,
} from '../../src/tls/handshake/keyschedule.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';
import { ContentType, Tls13Protection } from '../../src/tls/record/protection.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

// ---- §3 Simple 1-RTT Handshake (TLS_AES_128_GCM_SHA256, x25519) ----
// RFC 8448 §3, client step 'create an ephemeral x25519 key pair': private key (32 octets)
const S3_CLIENT_PRIV = fromHex('49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005');
// RFC 8448 §3, client step 'create an ephemeral x25519 key pair': public key (32 octets)
const S3_CLIENT_PUB = fromHex('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c');
// RFC 8448 §3, client step 'construct a ClientHello handshake message': ClientHello (196 octets)
const S3_CLIENT_HELLO = fromHex(
  '010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece700000613011303130201' +
    '0000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400' +
    '230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b00' +
    '03020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c' +
    '00024001',
);
// RFC 8448 §3, server step 'extract secret "early"': secret (32 octets)
const S3_EARLY_SECRET = fromHex('33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a');
// RFC 8448 §3, server step 'create an ephemeral x25519 key pair': private key (32 octets)
const S3_SERVER_PRIV = fromHex('b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e');
// RFC 8448 §3, server step 'create an ephemeral x25519 key pair': public key (32 octets)
const S3_SERVER_PUB = fromHex('c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f');
// RFC 8448 §3, server step 'construct a ServerHello handshake message': ServerHello (90 octets)
const S3_SERVER_HELLO = fromHex(
  '020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024' +
    '001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304',
);
// RFC 8448 §3, server step 'derive secret for handshake "tls13 derived"': hash (32 octets) = Hash("")
const S3_EMPTY_HASH = fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
// RFC 8448 §3, server step 'derive secret for handshake "tls13 derived"': info (49 octets) = HkdfLabel of "tls13 derived"
const S3_DERIVED_INFO = fromHex(
  '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8' + '55',
);
// RFC 8448 §3, server step 'derive secret for handshake "tls13 derived"': expanded (32 octets)
const S3_DERIVED_FOR_HS = fromHex('6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba');
// RFC 8448 §3, server step 'extract secret "handshake"': IKM (32 octets) = the x25519 shared secret
const S3_SHARED_SECRET = fromHex('8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d');
// RFC 8448 §3, server step 'extract secret "handshake"': secret (32 octets)
const S3_HS_SECRET = fromHex('1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac');
// RFC 8448 §3, server step 'derive secret "tls13 c hs traffic"': hash (32 octets) = Transcript-Hash(ClientHello, ServerHello)
const S3_HELLO_HASH = fromHex('860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8');
// RFC 8448 §3, server step 'derive secret "tls13 c hs traffic"': info (54 octets)
const S3_C_HS_INFO = fromHex(
  '002012746c7331332063206873207472616666696320860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed' + '063cf0e1cad8',
);
// RFC 8448 §3, server step 'derive secret "tls13 c hs traffic"': expanded (32 octets)
const S3_C_HS_TRAFFIC = fromHex('b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21');
// RFC 8448 §3, server step 'derive secret "tls13 s hs traffic"': expanded (32 octets)
const S3_S_HS_TRAFFIC = fromHex('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38');
// RFC 8448 §3, server step 'derive secret for master "tls13 derived"': expanded (32 octets)
const S3_DERIVED_FOR_MS = fromHex('43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4');
// RFC 8448 §3, server step 'extract secret "master"': secret (32 octets)
const S3_MASTER_SECRET = fromHex('18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919');
// RFC 8448 §3, server step 'derive write traffic keys for handshake data': key info (13 octets) (16-byte key)
const S3_KEY_INFO = fromHex('001009746c733133206b657900');
// RFC 8448 §3, server step 'derive write traffic keys for handshake data': key expanded (16 octets)
const S3_S_HS_KEY = fromHex('3fce516009c21727d0f2e4e86ee403bc');
// RFC 8448 §3, server step 'derive write traffic keys for handshake data': iv info (12 octets)
const S3_IV_INFO = fromHex('000c08746c73313320697600');
// RFC 8448 §3, server step 'derive write traffic keys for handshake data': iv expanded (12 octets)
const S3_S_HS_IV = fromHex('5d313eb2671276ee13000b30');
// RFC 8448 §3, server step 'construct an EncryptedExtensions handshake message': EncryptedExtensions (40 octets)
const S3_ENCRYPTED_EXTENSIONS = fromHex(
  '080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000',
);
// RFC 8448 §3, server step 'construct a Certificate handshake message': Certificate (445 octets)
const S3_CERTIFICATE = fromHex(
  '0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a' +
    '06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a' +
    '0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d98' +
    '0836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312' +
    '0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d0' +
    '3e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355' +
    '1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f' +
    '8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102' +
    '702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8' +
    'f8961229ac9187b42b4de10000',
);
// RFC 8448 §3, server step 'construct a CertificateVerify handshake message': CertificateVerify (136 octets)
const S3_CERTIFICATE_VERIFY = fromHex(
  '0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d3' +
    '3a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c' +
    '9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3',
);
// RFC 8448 §3, server step 'calculate finished "tls13 finished"': info (18 octets)
const S3_FINISHED_INFO = fromHex('00200e746c7331332066696e697368656400');
// RFC 8448 §3, server step 'calculate finished "tls13 finished"': expanded (32 octets)
const S3_S_FINISHED_KEY = fromHex('008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8');
// RFC 8448 §3, server step 'calculate finished "tls13 finished"': finished (32 octets)
const S3_S_FINISHED_VERIFY_DATA = fromHex('9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718');
// RFC 8448 §3, server step 'construct a Finished handshake message': Finished (36 octets)
const S3_S_FINISHED = fromHex('140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718');
// RFC 8448 §3, server step 'send handshake record': payload (657 octets)
const S3_S_HS_PAYLOAD = fromHex(
  '080000240022000a00140012001d00170018001901000101010201030104001c00024001000000000b0001b9000001b5' +
    '0001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a0603550403130372' +
    '7361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372' +
    '736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c' +
    '0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0cc' +
    'b0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a' +
    '8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0' +
    '300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594' +
    '365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1' +
    'fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b4' +
    '2b4de100000f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc' +
    '90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671' +
    '459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3140000' +
    '209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718',
);
// RFC 8448 §3, server step 'send handshake record': complete record (679 octets)
const S3_S_HS_RECORD = fromHex(
  '17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca' +
    '07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b' +
    'd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c' +
    '7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092' +
    '8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a8' +
    '9441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f' +
    '4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a3' +
    '6ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e' +
    '1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052c' +
    'f93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe' +
    '5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb' +
    '5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038' +
    'ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd50278' +
    '4016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e' +
    '750edc53370d2b',
);
// RFC 8448 §3, server step 'derive secret "tls13 c ap traffic"': hash (32 octets) = Transcript-Hash(ClientHello..server Finished)
const S3_SERVER_FINISHED_HASH = fromHex('9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13');
// RFC 8448 §3, server step 'derive secret "tls13 c ap traffic"': expanded (32 octets)
const S3_C_AP_TRAFFIC = fromHex('9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5');
// RFC 8448 §3, server step 'derive secret "tls13 s ap traffic"': expanded (32 octets)
const S3_S_AP_TRAFFIC = fromHex('a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643');
// RFC 8448 §3, server step 'derive secret "tls13 exp master"': expanded (32 octets)
const S3_EXP_MASTER = fromHex('fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50');
// RFC 8448 §3, server step 'derive write traffic keys for application data': key expanded (16 octets)
const S3_S_AP_KEY = fromHex('9f02283b6c9c07efc26bb9f2ac92e356');
// RFC 8448 §3, server step 'derive write traffic keys for application data': iv expanded (12 octets)
const S3_S_AP_IV = fromHex('cf782b88dd83549aadf1e984');
// RFC 8448 §3, server step 'derive read traffic keys for handshake data': key expanded (16 octets)
const S3_C_HS_KEY = fromHex('dbfaa693d1762c5b666af5d950258d01');
// RFC 8448 §3, server step 'derive read traffic keys for handshake data': iv expanded (12 octets)
const S3_C_HS_IV = fromHex('5bd3c71b836e0b76bb73265f');
// RFC 8448 §3, client step 'calculate finished "tls13 finished"': expanded (32 octets)
const S3_C_FINISHED_KEY = fromHex('b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4');
// RFC 8448 §3, client step 'calculate finished "tls13 finished"': finished (32 octets)
const S3_C_FINISHED_VERIFY_DATA = fromHex('a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61');
// RFC 8448 §3, client step 'construct a Finished handshake message': Finished (36 octets)
const S3_C_FINISHED = fromHex('14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61');
// RFC 8448 §3, client step 'send handshake record': complete record (58 octets)
const S3_C_FINISHED_RECORD = fromHex(
  '170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1c' +
    'aeacab6867d726c40546',
);
// RFC 8448 §3, client step 'derive write traffic keys for application data': key expanded (16 octets)
const S3_C_AP_KEY = fromHex('17422dda596ed5d9acd890e3c63f5051');
// RFC 8448 §3, client step 'derive write traffic keys for application data': iv expanded (12 octets)
const S3_C_AP_IV = fromHex('5b78923dee08579033e523d9');
// RFC 8448 §3, client step 'derive secret "tls13 res master"': hash (32 octets) = Transcript-Hash(ClientHello..client Finished)
const S3_CLIENT_FINISHED_HASH = fromHex('209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d');
// RFC 8448 §3, client step 'derive secret "tls13 res master"': expanded (32 octets)
const S3_RES_MASTER = fromHex('7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c');
// RFC 8448 §3, server step 'generate resumption secret "tls13 resumption"': hash (2 octets) = the ticket_nonce
const S3_TICKET_NONCE = fromHex('0000');
// RFC 8448 §3, server step 'generate resumption secret "tls13 resumption"': info (22 octets)
const S3_RESUMPTION_INFO = fromHex('002010746c73313320726573756d7074696f6e020000');
// RFC 8448 §3, server step 'generate resumption secret "tls13 resumption"': expanded (32 octets)
const S3_RESUMPTION_PSK = fromHex('4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3');
// RFC 8448 §3, server step 'construct a NewSessionTicket handshake message': NewSessionTicket (205 octets)
const S3_NEW_SESSION_TICKET = fromHex(
  '040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf' +
    '1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827' +
    'db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228' +
    'bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934a' +
    'e4d3570008002a000400000400',
);
// RFC 8448 §3, server step 'send handshake record': complete record (227 octets)
const S3_NST_RECORD = fromHex(
  '17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a' +
    '015940252f55713e061dc13e078891a38efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e0' +
    '9c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406f16e3fc181a77ca475840025db2f0a77' +
    'f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74' +
    'bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f',
);
// RFC 8448 §3, client step 'send application_data record': payload (50 octets) (the server sends the same payload)
const S3_APP_PAYLOAD = fromHex(
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f' + '3031',
);
// RFC 8448 §3, client step 'send application_data record': complete record (72 octets)
const S3_C_APP_RECORD = fromHex(
  '1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b' +
    '62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4',
);
// RFC 8448 §3, server step 'send application_data record': complete record (72 octets)
const S3_S_APP_RECORD = fromHex(
  '17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8' +
    'fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d',
);
// RFC 8448 §3, client step 'send alert record': payload (2 octets) (close_notify; the server sends the same)
const S3_ALERT_PAYLOAD = fromHex('0100');
// RFC 8448 §3, client step 'send alert record': complete record (24 octets)
const S3_C_ALERT_RECORD = fromHex('1703030013c9872760655666b74d7ff1153efd6db6d0b0e3');
// RFC 8448 §3, server step 'send alert record': complete record (24 octets)
const S3_S_ALERT_RECORD = fromHex('1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9');

// ---- §4 Resumed 0-RTT Handshake (PSK from §3, x25519) ----
// RFC 8448 §4, client step 'create an ephemeral x25519 key pair': private key (32 octets)
const S4_CLIENT_PRIV = fromHex('bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df');
// RFC 8448 §4, client step 'extract secret "early"': secret (32 octets)
const S4_EARLY_SECRET = fromHex('9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c');
// RFC 8448 §4, client step 'extract secret "early"': IKM (32 octets) = the §3 resumption PSK
const S4_PSK = fromHex('4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3');
// RFC 8448 §4, client step 'calculate PSK binder': ClientHello prefix (477 octets) (the ClientHello up to, not including, the binders list)
const S4_CLIENT_HELLO_PREFIX = fromHex(
  '010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d9500000613011303130201' +
    '0001cd0000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400' +
    '3300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b002a0000002b00' +
    '03020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c' +
    '000240010015005700000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '2900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c936' +
    '7c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3' +
    '664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf2' +
    '97b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb',
);
// RFC 8448 §4, client step 'calculate PSK binder': binder hash (32 octets) = Transcript-Hash(ClientHello prefix)
const S4_BINDER_HASH = fromHex('63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14');
// RFC 8448 §4, client step 'calculate PSK binder': PRK (32 octets) = binder_key ("res binder")
const S4_BINDER_KEY = fromHex('69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256');
// RFC 8448 §4, client step 'calculate PSK binder': expanded (32 octets)
const S4_BINDER_FINISHED_KEY = fromHex('5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa');
// RFC 8448 §4, client step 'calculate PSK binder': finished (32 octets) = the PSK binder
const S4_BINDER = fromHex('3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d');
// RFC 8448 §4, client step 'send handshake record': payload (512 octets) = the whole ClientHello, binders included
const S4_CLIENT_HELLO = fromHex(
  '010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d9500000613011303130201' +
    '0001cd0000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400' +
    '3300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b002a0000002b00' +
    '03020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c' +
    '000240010015005700000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '2900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c936' +
    '7c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3' +
    '664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf2' +
    '97b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb002120' +
    '3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d',
);
// RFC 8448 §4, client step 'derive secret "tls13 c e traffic"': hash (32 octets) = Transcript-Hash(ClientHello)
const S4_CH_HASH = fromHex('08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913');
// RFC 8448 §4, client step 'derive secret "tls13 c e traffic"': expanded (32 octets)
const S4_C_E_TRAFFIC = fromHex('3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62');
// RFC 8448 §4, client step 'derive secret "tls13 e exp master"': expanded (32 octets)
const S4_E_EXP_MASTER = fromHex('b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df');
// RFC 8448 §4, client step 'derive write traffic keys for early application data': key expanded (16 octets)
const S4_C_E_KEY = fromHex('920205a5b7bf2115e6fc5c2942834f54');
// RFC 8448 §4, client step 'derive write traffic keys for early application data': iv expanded (12 octets)
const S4_C_E_IV = fromHex('6d475f0993c8e564610db2b9');
// RFC 8448 §4, client step 'send application_data record': payload (6 octets)
const S4_EARLY_DATA = fromHex('414243444546');
// RFC 8448 §4, client step 'send application_data record': complete record (28 octets)
const S4_EARLY_DATA_RECORD = fromHex('1703030017ab1df420e75c457a7cc5d2844f76d5aee4b4edbf049be0');
// RFC 8448 §4, server step 'create an ephemeral x25519 key pair': public key (32 octets)
const S4_SERVER_PUB = fromHex('121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31');
// RFC 8448 §4, server step 'construct a ServerHello handshake message': ServerHello (96 octets)
const S4_SERVER_HELLO = fromHex(
  '0200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d00130100003400290002' +
    '000000330024001d0020121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31002b00020304',
);
// RFC 8448 §4, server step 'derive secret for handshake "tls13 derived"': expanded (32 octets)
const S4_DERIVED_FOR_HS = fromHex('5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80');
// RFC 8448 §4, server step 'extract secret "handshake"': IKM (32 octets)
const S4_SHARED_SECRET = fromHex('f44194756ff9ec9d25180635d66ea6824c6ab3bf179977be37f723570e7ccb2e');
// RFC 8448 §4, server step 'extract secret "handshake"': secret (32 octets)
const S4_HS_SECRET = fromHex('005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6');
// RFC 8448 §4, server step 'derive secret "tls13 c hs traffic"': hash (32 octets)
const S4_HELLO_HASH = fromHex('f736cb34fe25e701551bee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03');
// RFC 8448 §4, server step 'derive secret "tls13 c hs traffic"': expanded (32 octets)
const S4_C_HS_TRAFFIC = fromHex('2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f');
// RFC 8448 §4, server step 'derive secret "tls13 s hs traffic"': expanded (32 octets)
const S4_S_HS_TRAFFIC = fromHex('fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803');
// RFC 8448 §4, server step 'extract secret "master"': secret (32 octets)
const S4_MASTER_SECRET = fromHex('e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece');
// RFC 8448 §4, server step 'derive write traffic keys for handshake data': key expanded (16 octets)
const S4_S_HS_KEY = fromHex('27c6bdc0a3dcea39a47326d79bc9e4ee');
// RFC 8448 §4, server step 'derive write traffic keys for handshake data': iv expanded (12 octets)
const S4_S_HS_IV = fromHex('9569ecdd4d0536705e9ef725');
// RFC 8448 §4, server step 'construct an EncryptedExtensions handshake message': EncryptedExtensions (44 octets)
const S4_ENCRYPTED_EXTENSIONS = fromHex(
  '080000280026000a00140012001d00170018001901000101010201030104001c0002400100000000002a0000',
);
// RFC 8448 §4, server step 'calculate finished "tls13 finished"': finished (32 octets)
const S4_S_FINISHED_VERIFY_DATA = fromHex('48d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2');
// RFC 8448 §4, server step 'construct a Finished handshake message': Finished (36 octets)
const S4_S_FINISHED = fromHex('1400002048d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2');
// RFC 8448 §4, server step 'send handshake record': complete record (102 octets)
const S4_S_HS_RECORD = fromHex(
  '1703030061dc48237b4b879f50d0d4d262ea8b4716eb40ddc1eb957e11126e8a7149c2d012d37a7115957e64ce30008b' +
    '9e0323f2c05a9c1c77b4f37849a695ab255060a33fee770ca95cb8486bfd0843b87024865ca35cc41c4e515c64dcb136' +
    '9f98635bc7a5',
);
// RFC 8448 §4, server step 'derive secret "tls13 c ap traffic"': hash (32 octets)
const S4_SERVER_FINISHED_HASH = fromHex('b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3');
// RFC 8448 §4, server step 'derive secret "tls13 c ap traffic"': expanded (32 octets)
const S4_C_AP_TRAFFIC = fromHex('2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1');
// RFC 8448 §4, server step 'derive secret "tls13 s ap traffic"': expanded (32 octets)
const S4_S_AP_TRAFFIC = fromHex('cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691');
// RFC 8448 §4, server step 'derive secret "tls13 exp master"': expanded (32 octets)
const S4_EXP_MASTER = fromHex('3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4');
// RFC 8448 §4, client step 'construct an EndOfEarlyData handshake message': EndOfEarlyData (4 octets)
const S4_END_OF_EARLY_DATA = fromHex('05000000');
// RFC 8448 §4, client step 'send handshake record': complete record (26 octets)
const S4_EOED_RECORD = fromHex('1703030015aca6fc944841298df99593725f9bf9754429b12f09');
// RFC 8448 §4, client step 'derive write traffic keys for handshake data': key expanded (16 octets)
const S4_C_HS_KEY = fromHex('b1530806f4adfeac83f1413032bbfa82');
// RFC 8448 §4, client step 'derive write traffic keys for handshake data': iv expanded (12 octets)
const S4_C_HS_IV = fromHex('eb50c16be7654abf99dd06d9');
// RFC 8448 §4, client step 'calculate finished "tls13 finished"': finished (32 octets)
const S4_C_FINISHED_VERIFY_DATA = fromHex('7230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d');
// RFC 8448 §4, client step 'construct a Finished handshake message': Finished (36 octets)
const S4_C_FINISHED = fromHex('140000207230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d');
// RFC 8448 §4, client step 'send handshake record': complete record (58 octets)
const S4_C_FINISHED_RECORD = fromHex(
  '170303003500f8b467d14cf22a4b3f0b6ae0d8e6cc8d08e0db3515ef5c2bdf1922eafbb70009964716d834fb70c3d2a5' +
    '6c5b1f5f6bdba6c333cf',
);
// RFC 8448 §4, client step 'derive secret "tls13 res master"': hash (32 octets)
const S4_CLIENT_FINISHED_HASH = fromHex('c3c122e0bd907a4a3ff6112d8fd53dbf89c773d9552e8b6b9d56d361b3a97bf6');
// RFC 8448 §4, client step 'derive secret "tls13 res master"': expanded (32 octets)
const S4_RES_MASTER = fromHex('5e95bdf1f89005ea2e9aa0ba85e728e3c19c5fe0c699e3f5bee59faebd0b5406');

// ---- §5 HelloRetryRequest (x25519 offered, P-256 requested) ----
// RFC 8448 §5, client step 'construct a ClientHello handshake message': ClientHello (180 octets) (ClientHello1)
const S5_CLIENT_HELLO_1 = fromHex(
  '010000b00303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f00000613011303130201' +
    '0000810000000b0009000006736572766572ff01000100000a00080006001d00170018003300260024001d0020e8e8e3' +
    'f3b93a25ed97a14a7dcacb8a272c6288e585c6484d05262fcad062ad1f002b0003020304000d0020001e040305030603' +
    '020308040805080604010501060102010402050206020202002d00020101001c00024001',
);
// RFC 8448 §5, server step 'construct a ServerHello handshake message': ServerHello (176 octets) (the HelloRetryRequest)
const S5_HELLO_RETRY_REQUEST = fromHex(
  '020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c00130100008400330002' +
    '0017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf6256' +
    '36e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16' +
    'aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002b00020304',
);
// RFC 8448 §5, client step 'create an ephemeral P-256 key pair': private key (32 octets)
const S5_CLIENT_P256_PRIV = fromHex('ab5473467e19346ceb0a0414e41da21d4d2445bc3025afe97c4e8dc8d513da39');
// RFC 8448 §5, client step 'create an ephemeral P-256 key pair': public key (65 octets)
const S5_CLIENT_P256_PUB = fromHex(
  '04a6da7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f0151812677c4d6d2237e85cf01d6910cfb' +
    '83954e76ba7352830534159897e8065780',
);
// RFC 8448 §5, client step 'construct a ClientHello handshake message': ClientHello (512 octets) (ClientHello2)
const S5_CLIENT_HELLO_2 = fromHex(
  '010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f00000613011303130201' +
    '0001cd0000000b0009000006736572766572ff01000100000a00080006001d001700180033004700450017004104a6da' +
    '7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f0151812677c4d6d2237e85cf01d6910cfb83954e' +
    '76ba7352830534159897e8065780002b0003020304000d0020001e040305030603020308040805080604010501060102' +
    '010402050206020202002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd00' +
    '30953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b' +
    '0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002d00020101001c00024001001500' +
    'af0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '0000000000000000000000000000000000000000000000000000000000000000',
);
// RFC 8448 §5, server step 'create an ephemeral P-256 key pair': private key (32 octets)
const S5_SERVER_P256_PRIV = fromHex('8c510601f9765bfb8ed693449a48989859b5cfa879cb9f5443c41c5ff10634ed');
// RFC 8448 §5, server step 'create an ephemeral P-256 key pair': public key (65 octets)
const S5_SERVER_P256_PUB = fromHex(
  '04583e054b7a66672ae020ad9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07d83540eab3e3' +
    'd9c547bc6528c4317d294686093a6cad7d',
);
// RFC 8448 §5, server step 'construct a ServerHello handshake message': ServerHello (123 octets)
const S5_SERVER_HELLO = fromHex(
  '020000770303bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c598d3ff571b9800130100004f00330045' +
    '0017004104583e054b7a66672ae020ad9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07d835' +
    '40eab3e3d9c547bc6528c4317d294686093a6cad7d002b00020304',
);
// RFC 8448 §5, server step 'extract secret "handshake"': IKM (32 octets) = the P-256 shared secret (x coordinate)
const S5_SHARED_SECRET = fromHex('c142ce13ca11b5c2233652e63ad3d97844f1621fbfb9de69d547dc8fedeabeb4');
// RFC 8448 §5, server step 'extract secret "handshake"': secret (32 octets)
const S5_HS_SECRET = fromHex('ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148');
// RFC 8448 §5, server step 'derive secret "tls13 c hs traffic"': hash (32 octets) = Transcript-Hash(message_hash(ClientHello1), HRR, ClientHello2, ServerHello)
const S5_HELLO_HASH = fromHex('8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8');
// RFC 8448 §5, server step 'derive secret "tls13 c hs traffic"': expanded (32 octets)
const S5_C_HS_TRAFFIC = fromHex('158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566');
// RFC 8448 §5, server step 'derive secret "tls13 s hs traffic"': expanded (32 octets)
const S5_S_HS_TRAFFIC = fromHex('3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1');
// RFC 8448 §5, server step 'extract secret "master"': secret (32 octets)
const S5_MASTER_SECRET = fromHex('1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8');
// RFC 8448 §5, server step 'derive write traffic keys for handshake data': key expanded (16 octets)
const S5_S_HS_KEY = fromHex('4646bfac1712c426cd78d8a24a8a6f6b');
// RFC 8448 §5, server step 'derive write traffic keys for handshake data': iv expanded (12 octets)
const S5_S_HS_IV = fromHex('c7d395c08d62f297d13768ea');
// RFC 8448 §5, server step 'construct an EncryptedExtensions handshake message': EncryptedExtensions (28 octets)
const S5_ENCRYPTED_EXTENSIONS = fromHex('080000180016000a0008000600170018001d001c0002400100000000');
// RFC 8448 §5, server step 'construct a Certificate handshake message': the §3 Certificate, byte for byte
// (the same server certificate; the §5 transcript hashes prove the bytes).
const S5_CERTIFICATE = S3_CERTIFICATE;
// RFC 8448 §5, server step 'construct a CertificateVerify handshake message': CertificateVerify (136 octets)
const S5_CERTIFICATE_VERIFY = fromHex(
  '0f0000840804008033ab13d4462707231b5dcae6c8190b63d1dabc74f28c395370da0b07e5b83066d0246a31acd95df4' +
    '75bfd799a4a70d33ad93d3a317a9b2c0d237a5685b219e774112e391a247607d1aeff1bbd0a39f382ee1a5fe88ae99ec' +
    '59228e6497e45d48ce275a6d5ef40d169fb6f9d33b052ed3dcdd6b5a48baafffbcb290128415bd38',
);
// RFC 8448 §5, server step 'calculate finished "tls13 finished"': finished (32 octets)
const S5_S_FINISHED_VERIFY_DATA = fromHex('8863e6bfb0420a927fa27f34336a70ae426e968e3eb884945b96856dba3976d1');
// RFC 8448 §5, server step 'construct a Finished handshake message': Finished (36 octets)
const S5_S_FINISHED = fromHex('140000208863e6bfb0420a927fa27f34336a70ae426e968e3eb884945b96856dba3976d1');
// RFC 8448 §5, server step 'send handshake record': complete record (667 octets)
const S5_S_HS_RECORD = fromHex(
  '170303029699bee20baf5b7fc727bfab6223928a381e6d0cf9c4da653f9d2a7b23f7de11cce842d5cf75631763450ffb' +
    '8b0cc1d238e658af7a12adc86243114ab14a1da2fae42621ce483fb6242eabfaad52566b02b31d2eddedefeb80e66a99' +
    '00d5f973b40c4fdf74719ecf1b68d7f9c3b6ceb903ca13dd1bb8f8187ae33417e1d152522c5822a1a03ad52c838c5595' +
    '3d610222874cce8e1790b229a2aa0b53c8d377ee720182951dc6181dc5d90bd1f0105ed1e84aa5f75957c6661897079e' +
    '5ea5007449e3197bdc7c9beeedddeafdd844afa5c315ecfe65e576afe909812880620ec7048b42d7f5c78d76f299d6d8' +
    '2534bdd8f512febc0ed3814aca470cd8000d3e1cb9962b052fbb950df683a52c2ba77ed3713b122937a6e5170964e2ab' +
    '7969dcd980b3db9b458da7603124d6dc005e4d6e04b4d0c4baf3275db827dbba0a6db09672171fc057b3851d7e026841' +
    'e2978fbd2346bbefdd0376bb1108fe9acc92189f5650aa5e85d8e8c7b67ac510dba003d3d7e16350bb66d45013efd44c' +
    '9b607c0d318c4c7d1a1f5cbc57e20611804e3787d7b4a4b5f08ed8fd70bdaeade02260b12ab842ef690b4a3ee7911e84' +
    '1b374ecd5ebbbc2a54d047b600336dd7d0c88b4bc10e58ee6cb656de7247fa20d8e91deb84628608cf80615b62e96c14' +
    '91c7ac3755eb6901405d3474fe1ac79d106a0cee56c2577fc88480f96cb6b8c681b7b68b53c146093908f350888175bd' +
    'fb0b1e31ad61e30ba0adfe6d223aa03c0783b5001a57587c328a9afcfcfb978d1cd4328f7d9d60530e630befd96c0c81' +
    '6ee20b0100768ae2a6df51fc68f172740a79af11398ee3be1252491fa9c693479e877f94ab7c5f8cad480203e6ab7b87' +
    'dd71e8a0729113df17f5eee86ce108d1d72007ec1cd13c85a6c149621e77b7d78d805a30f0be030c315e54',
);
// RFC 8448 §5, server step 'derive secret "tls13 c ap traffic"': hash (32 octets)
const S5_SERVER_FINISHED_HASH = fromHex('50f63cbf36b0dd049e7a0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da');
// RFC 8448 §5, server step 'derive secret "tls13 c ap traffic"': expanded (32 octets)
const S5_C_AP_TRAFFIC = fromHex('75ecf4b972525aa0dcd057c9944d4cd5d82671d8843141d7dc2a4ff15a21dc51');
// RFC 8448 §5, server step 'derive secret "tls13 s ap traffic"': expanded (32 octets)
const S5_S_AP_TRAFFIC = fromHex('5c74f87df04225db0f8209c9de6429e49435fdefa7cad61864874d12f31cfc8d');
// RFC 8448 §5, server step 'derive secret "tls13 exp master"': expanded (32 octets)
const S5_EXP_MASTER = fromHex('7c06d3ae106a3a374ace4837b3985cac67780a6e2c5c04b58319d584df09d223');
// RFC 8448 §5, server step 'derive read traffic keys for handshake data': key expanded (16 octets)
const S5_C_HS_KEY = fromHex('2f1f918663d590e7421149a29d94b0b6');
// RFC 8448 §5, server step 'derive read traffic keys for handshake data': iv expanded (12 octets)
const S5_C_HS_IV = fromHex('414d5485235e1a688793bd74');
// RFC 8448 §5, client step 'calculate finished "tls13 finished"': finished (32 octets)
const S5_C_FINISHED_VERIFY_DATA = fromHex('23f52fdb0709a55bd7f79b991f25484087bcfd4d4380b12326a52a28b2e368e1');
// RFC 8448 §5, client step 'construct a Finished handshake message': Finished (36 octets)
const S5_C_FINISHED = fromHex('1400002023f52fdb0709a55bd7f79b991f25484087bcfd4d4380b12326a52a28b2e368e1');
// RFC 8448 §5, client step 'send handshake record': complete record (58 octets)
const S5_C_FINISHED_RECORD = fromHex(
  '1703030035d74f1923c662fd34137c6f502f3dd2b93d951d1b3bc97e42afe23c31abea92fe91b474999e85e3b791ce25' +
    '2fe8c3e9f939a4120cb2',
);
// RFC 8448 §5, client step 'derive secret "tls13 res master"': hash (32 octets)
const S5_CLIENT_FINISHED_HASH = fromHex('0e8b349158b855fdcd0c11dbbc4e83e43caa6e483c6c65df53151888e50165f4');
// RFC 8448 §5, client step 'derive secret "tls13 res master"': expanded (32 octets)
const S5_RES_MASTER = fromHex('09170c6d472721566f9cf99b08699daff561ec8fb22d5a32c3f94ce009b69975');

// ---------------------------------------------------------------------------------------------
// Helpers

/** Byte equality reported as hex, so a failure shows both values. */
function eq(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(toHex(actual), toHex(expected), what);
}

const EMPTY = new Uint8Array(0);
const TLS12 = 0x0303;

/** Splits a record into its header fields and body. */
function splitRecord(record: Uint8Array): { type: number; version: number; body: Uint8Array } {
  assert.ok(record.length >= 5, 'record shorter than its header');
  const type = record[0]!;
  const version = (record[1]! << 8) | record[2]!;
  const length = (record[3]! << 8) | record[4]!;
  assert.equal(length, record.length - 5, 'record header length');
  return { type, version, body: record.subarray(5) };
}

/** Opens one whole wire record (header included) with `prot`. */
function openRecord(prot: Tls13Protection, record: Uint8Array): { type: number; fragment: Uint8Array } {
  const { type, version, body } = splitRecord(record);
  return prot.open(type, version, body);
}

/** Splits concatenated handshake messages into whole messages (header included). */
function splitHandshake(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < data.length) {
    assert.ok(o + 4 <= data.length, 'truncated handshake header');
    const len = (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    assert.ok(o + 4 + len <= data.length, 'truncated handshake body');
    out.push(data.subarray(o, o + 4 + len));
    o += 4 + len;
  }
  return out;
}

/** A provider that records every HKDF-Expand info it is asked for. */
function spyingProvider(p: CryptoProvider, infos: Uint8Array[]): CryptoProvider {
  const spy = Object.create(p) as CryptoProvider;
  Object.defineProperty(spy, 'hkdfExpand', {
    value: (
      hash: Parameters<CryptoProvider['hkdfExpand']>[0],
      prk: Uint8Array,
      info: Uint8Array,
      length: number,
    ): Uint8Array => {
      infos.push(info.slice());
      return p.hkdfExpand(hash, prk, info, length);
    },
  });
  return spy;
}

/** The whole §3 handshake derived from the RFC's private keys and messages only. */
function derive3(p: CryptoProvider) {
  const clientShare = p.generateKeyShare('x25519', S3_CLIENT_PRIV);
  const shared = clientShare.computeSecret(S3_SERVER_PUB);
  const t = new Transcript(p);
  t.add(S3_CLIENT_HELLO);
  t.setHash('sha256');
  t.add(S3_SERVER_HELLO);
  const helloHash = t.hash();
  const ks = new KeySchedule(p, 'sha256');
  const handshakeSecret = ks.deriveHandshakeSecret(shared);
  const hsTraffic = ks.handshakeTrafficSecrets(helloHash);
  const masterSecret = ks.deriveMasterSecret();
  t.add(S3_ENCRYPTED_EXTENSIONS);
  t.add(S3_CERTIFICATE);
  t.add(S3_CERTIFICATE_VERIFY);
  const certificateVerifyHash = t.hash();
  const serverVerifyData = finishedVerifyData(p, 'sha256', hsTraffic.server, certificateVerifyHash);
  t.add(S3_S_FINISHED);
  const serverFinishedHash = t.hash();
  const app = ks.applicationSecrets(serverFinishedHash);
  const clientVerifyData = finishedVerifyData(p, 'sha256', hsTraffic.client, serverFinishedHash);
  t.add(S3_C_FINISHED);
  const clientFinishedHash = t.hash();
  const resumptionMaster = ks.resumptionMasterSecret(clientFinishedHash);
  return {
    clientPublic: clientShare.publicKey,
    shared,
    ks,
    helloHash,
    handshakeSecret,
    hsTraffic,
    masterSecret,
    certificateVerifyHash,
    serverVerifyData,
    serverFinishedHash,
    app,
    clientVerifyData,
    clientFinishedHash,
    resumptionMaster,
    serverHs: trafficKeys(p, 'sha256', hsTraffic.server, 16),
    clientHs: trafficKeys(p, 'sha256', hsTraffic.client, 16),
    serverAp: trafficKeys(p, 'sha256', app.server, 16),
    clientAp: trafficKeys(p, 'sha256', app.client, 16),
  };
}

// ---------------------------------------------------------------------------------------------
// §3: Simple 1-RTT handshake

for (const p of PROVIDERS) {
  describe(`RFC 8448 §3 simple 1-RTT handshake [${p.name}]`, () => {
    test('x25519 key shares: public keys and the shared secret from the RFC private keys', () => {
      const client = p.generateKeyShare('x25519', S3_CLIENT_PRIV);
      const server = p.generateKeyShare('x25519', S3_SERVER_PRIV);
      eq(client.publicKey, S3_CLIENT_PUB, 'client public key');
      eq(server.publicKey, S3_SERVER_PUB, 'server public key');
      eq(client.computeSecret(S3_SERVER_PUB), S3_SHARED_SECRET, 'client-side shared secret');
      eq(server.computeSecret(S3_CLIENT_PUB), S3_SHARED_SECRET, 'server-side shared secret');
    });

    test('HkdfLabel encoding of "derived", "c hs traffic", "key", "iv", "finished", "resumption"', () => {
      const infos: Uint8Array[] = [];
      const spy = spyingProvider(p, infos);
      eq(deriveSecret(spy, 'sha256', S3_EARLY_SECRET, Label.derived, S3_EMPTY_HASH), S3_DERIVED_FOR_HS, 'derived');
      eq(infos[0]!, S3_DERIVED_INFO, 'info of "tls13 derived"');
      eq(
        deriveSecret(spy, 'sha256', S3_HS_SECRET, Label.clientHandshakeTraffic, S3_HELLO_HASH),
        S3_C_HS_TRAFFIC,
        'c hs traffic',
      );
      eq(infos[1]!, S3_C_HS_INFO, 'info of "tls13 c hs traffic"');
      const keys = trafficKeys(spy, 'sha256', S3_S_HS_TRAFFIC, 16);
      eq(keys.key, S3_S_HS_KEY, 'server handshake key');
      eq(keys.iv, S3_S_HS_IV, 'server handshake iv');
      eq(infos[2]!, S3_KEY_INFO, 'info of "tls13 key"');
      eq(infos[3]!, S3_IV_INFO, 'info of "tls13 iv"');
      eq(
        hkdfExpandLabel(spy, 'sha256', S3_S_HS_TRAFFIC, Label.finished, EMPTY, 32),
        S3_S_FINISHED_KEY,
        'server finished_key',
      );
      eq(infos[4]!, S3_FINISHED_INFO, 'info of "tls13 finished"');
      eq(resumptionPsk(spy, 'sha256', S3_RES_MASTER, S3_TICKET_NONCE), S3_RESUMPTION_PSK, 'resumption PSK');
      eq(infos[5]!, S3_RESUMPTION_INFO, 'info of "tls13 resumption"');
      assert.equal(infos.length, 6, 'one HKDF-Expand per label');
    });

    test('transcript hashes from the ClientHello/ServerHello bytes onward', () => {
      eq(p.digest('sha256', EMPTY), S3_EMPTY_HASH, 'Hash("")');
      eq(p.digest('sha256', concat(S3_CLIENT_HELLO, S3_SERVER_HELLO)), S3_HELLO_HASH, 'one-shot Hash(CH, SH)');
      const d = derive3(p);
      eq(d.helloHash, S3_HELLO_HASH, 'Transcript-Hash(ClientHello, ServerHello)');
      eq(d.serverFinishedHash, S3_SERVER_FINISHED_HASH, 'Transcript-Hash(ClientHello..server Finished)');
      eq(d.clientFinishedHash, S3_CLIENT_FINISHED_HASH, 'Transcript-Hash(ClientHello..client Finished)');
      eq(
        d.certificateVerifyHash,
        p.digest(
          'sha256',
          concat(S3_CLIENT_HELLO, S3_SERVER_HELLO, S3_ENCRYPTED_EXTENSIONS, S3_CERTIFICATE, S3_CERTIFICATE_VERIFY),
        ),
        'Transcript-Hash(ClientHello..CertificateVerify)',
      );
      // The RFC's encrypted payload is exactly EE || Certificate || CertificateVerify || Finished.
      eq(
        S3_S_HS_PAYLOAD,
        concat(S3_ENCRYPTED_EXTENSIONS, S3_CERTIFICATE, S3_CERTIFICATE_VERIFY, S3_S_FINISHED),
        'server handshake payload',
      );
    });

    test('secrets: early, derived, handshake, c/s hs traffic, master, c/s ap traffic, exp master, res master', () => {
      const d = derive3(p);
      eq(d.clientPublic, S3_CLIENT_PUB, 'client public key');
      eq(d.shared, S3_SHARED_SECRET, '(EC)DHE shared secret');
      eq(d.ks.earlySecret, S3_EARLY_SECRET, 'early secret');
      eq(
        deriveSecret(p, 'sha256', d.ks.earlySecret, Label.derived, S3_EMPTY_HASH),
        S3_DERIVED_FOR_HS,
        'derived (for handshake)',
      );
      eq(d.handshakeSecret, S3_HS_SECRET, 'handshake secret');
      eq(d.hsTraffic.client, S3_C_HS_TRAFFIC, 'client_handshake_traffic_secret');
      eq(d.hsTraffic.server, S3_S_HS_TRAFFIC, 'server_handshake_traffic_secret');
      eq(
        deriveSecret(p, 'sha256', d.handshakeSecret, Label.derived, S3_EMPTY_HASH),
        S3_DERIVED_FOR_MS,
        'derived (for master)',
      );
      eq(d.masterSecret, S3_MASTER_SECRET, 'master secret');
      eq(d.app.client, S3_C_AP_TRAFFIC, 'client_application_traffic_secret_0');
      eq(d.app.server, S3_S_AP_TRAFFIC, 'server_application_traffic_secret_0');
      eq(d.app.exporter, S3_EXP_MASTER, 'exporter_master_secret');
      eq(d.resumptionMaster, S3_RES_MASTER, 'resumption_master_secret');
    });

    test('handshake and application traffic keys and IVs (AES-128-GCM)', () => {
      const d = derive3(p);
      eq(d.serverHs.key, S3_S_HS_KEY, 'server handshake key');
      eq(d.serverHs.iv, S3_S_HS_IV, 'server handshake iv');
      eq(d.clientHs.key, S3_C_HS_KEY, 'client handshake key');
      eq(d.clientHs.iv, S3_C_HS_IV, 'client handshake iv');
      eq(d.serverAp.key, S3_S_AP_KEY, 'server application key');
      eq(d.serverAp.iv, S3_S_AP_IV, 'server application iv');
      eq(d.clientAp.key, S3_C_AP_KEY, 'client application key');
      eq(d.clientAp.iv, S3_C_AP_IV, 'client application iv');
    });

    test('server and client Finished: finished_key, verify_data, framing, verifyFinished', () => {
      const d = derive3(p);
      eq(
        hkdfExpandLabel(p, 'sha256', d.hsTraffic.server, Label.finished, EMPTY, 32),
        S3_S_FINISHED_KEY,
        'server finished_key',
      );
      eq(
        hkdfExpandLabel(p, 'sha256', d.hsTraffic.client, Label.finished, EMPTY, 32),
        S3_C_FINISHED_KEY,
        'client finished_key',
      );
      eq(d.serverVerifyData, S3_S_FINISHED_VERIFY_DATA, 'server verify_data (transcript through CertificateVerify)');
      eq(d.clientVerifyData, S3_C_FINISHED_VERIFY_DATA, 'client verify_data (transcript through server Finished)');
      eq(frameHandshake(HandshakeType.finished, d.serverVerifyData), S3_S_FINISHED, 'server Finished message');
      eq(frameHandshake(HandshakeType.finished, d.clientVerifyData), S3_C_FINISHED, 'client Finished message');
      assert.equal(
        verifyFinished(p, 'sha256', d.hsTraffic.server, d.certificateVerifyHash, S3_S_FINISHED_VERIFY_DATA),
        true,
        'server Finished verifies',
      );
      const flipped = S3_S_FINISHED_VERIFY_DATA.slice();
      flipped[31]! ^= 0x01;
      assert.equal(
        verifyFinished(p, 'sha256', d.hsTraffic.server, d.certificateVerifyHash, flipped),
        false,
        'a flipped bit fails',
      );
      assert.equal(
        verifyFinished(p, 'sha256', d.hsTraffic.server, d.helloHash, S3_S_FINISHED_VERIFY_DATA),
        false,
        'the wrong transcript fails',
      );
      assert.equal(
        verifyFinished(p, 'sha256', d.hsTraffic.client, d.certificateVerifyHash, S3_S_FINISHED_VERIFY_DATA),
        false,
        'the client key fails',
      );
      assert.equal(
        verifyFinished(
          p,
          'sha256',
          d.hsTraffic.server,
          d.certificateVerifyHash,
          S3_S_FINISHED_VERIFY_DATA.subarray(0, 31),
        ),
        false,
        'a truncated verify_data fails',
      );
    });

    test("open the server's 679-byte encrypted handshake record: EE, Certificate, CertificateVerify, Finished", () => {
      const d = derive3(p);
      assert.equal(S3_S_HS_RECORD.length, 679);
      const rx = new Tls13Protection(p, 'AES-128-GCM', d.serverHs.key, d.serverHs.iv);
      const opened = openRecord(rx, S3_S_HS_RECORD);
      assert.equal(opened.type, ContentType.handshake, 'inner content type');
      eq(opened.fragment, S3_S_HS_PAYLOAD, 'decrypted payload');
      const msgs = splitHandshake(opened.fragment);
      assert.deepEqual(
        msgs.map((m) => m[0]),
        [
          HandshakeType.encrypted_extensions,
          HandshakeType.certificate,
          HandshakeType.certificate_verify,
          HandshakeType.finished,
        ],
      );
      eq(msgs[0]!, S3_ENCRYPTED_EXTENSIONS, 'EncryptedExtensions');
      eq(msgs[1]!, S3_CERTIFICATE, 'Certificate');
      eq(msgs[2]!, S3_CERTIFICATE_VERIFY, 'CertificateVerify');
      eq(msgs[3]!, S3_S_FINISHED, 'server Finished');
      // And the server's side: sealing the payload with the same keys gives the RFC record.
      const tx = new Tls13Protection(p, 'AES-128-GCM', d.serverHs.key, d.serverHs.iv);
      eq(tx.seal(ContentType.handshake, S3_S_HS_PAYLOAD, TLS12), S3_S_HS_RECORD, 'server handshake record re-sealed');
    });

    test('seal the client Finished: the 58-byte record byte for byte', () => {
      const d = derive3(p);
      const tx = new Tls13Protection(p, 'AES-128-GCM', d.clientHs.key, d.clientHs.iv);
      const record = tx.seal(ContentType.handshake, frameHandshake(HandshakeType.finished, d.clientVerifyData), TLS12);
      assert.equal(record.length, 58);
      eq(record, S3_C_FINISHED_RECORD, 'client Finished record');
      const rx = new Tls13Protection(p, 'AES-128-GCM', d.clientHs.key, d.clientHs.iv);
      const opened = openRecord(rx, S3_C_FINISHED_RECORD);
      assert.equal(opened.type, ContentType.handshake);
      eq(opened.fragment, S3_C_FINISHED, 'client Finished opened');
    });

    test('NewSessionTicket record, ticket nonce and the resumption PSK', () => {
      const d = derive3(p);
      const rx = new Tls13Protection(p, 'AES-128-GCM', d.serverAp.key, d.serverAp.iv);
      const opened = openRecord(rx, S3_NST_RECORD);
      assert.equal(opened.type, ContentType.handshake);
      eq(opened.fragment, S3_NEW_SESSION_TICKET, 'NewSessionTicket');
      assert.equal(opened.fragment[0], HandshakeType.new_session_ticket);
      const nst = decodeNewSessionTicket13(opened.fragment.subarray(4));
      assert.equal(nst.lifetime, 30, 'ticket_lifetime');
      eq(nst.nonce, S3_TICKET_NONCE, 'ticket_nonce');
      eq(
        resumptionPsk(p, 'sha256', d.resumptionMaster, nst.nonce),
        S3_RESUMPTION_PSK,
        'PSK = HKDF-Expand-Label(res master, "resumption", nonce)',
      );
      eq(S3_RESUMPTION_PSK, S4_PSK, '§3 PSK is the §4 IKM');
    });

    test('application data and close_notify records, both ways (sequence numbers 0, 1, 2)', () => {
      const d = derive3(p);
      // Client writes with the client application keys: data (seq 0), close_notify (seq 1).
      const clientTx = new Tls13Protection(p, 'AES-128-GCM', d.clientAp.key, d.clientAp.iv);
      eq(
        clientTx.seal(ContentType.application_data, S3_APP_PAYLOAD, TLS12),
        S3_C_APP_RECORD,
        'client application data record',
      );
      eq(clientTx.seal(ContentType.alert, S3_ALERT_PAYLOAD, TLS12), S3_C_ALERT_RECORD, 'client close_notify record');
      // The server reads them back.
      const serverRx = new Tls13Protection(p, 'AES-128-GCM', d.clientAp.key, d.clientAp.iv);
      const c1 = openRecord(serverRx, S3_C_APP_RECORD);
      assert.equal(c1.type, ContentType.application_data);
      eq(c1.fragment, S3_APP_PAYLOAD, 'client data opened');
      const c2 = openRecord(serverRx, S3_C_ALERT_RECORD);
      assert.equal(c2.type, ContentType.alert);
      eq(c2.fragment, S3_ALERT_PAYLOAD, 'client close_notify opened');
      // Server writes with the server application keys: ticket (seq 0), data (seq 1), alert (seq 2).
      const clientRx = new Tls13Protection(p, 'AES-128-GCM', d.serverAp.key, d.serverAp.iv);
      assert.equal(openRecord(clientRx, S3_NST_RECORD).type, ContentType.handshake);
      const s1 = openRecord(clientRx, S3_S_APP_RECORD);
      assert.equal(s1.type, ContentType.application_data);
      eq(s1.fragment, S3_APP_PAYLOAD, 'server data opened');
      const s2 = openRecord(clientRx, S3_S_ALERT_RECORD);
      assert.equal(s2.type, ContentType.alert);
      eq(s2.fragment, S3_ALERT_PAYLOAD, 'server close_notify opened');
      const serverTx = new Tls13Protection(p, 'AES-128-GCM', d.serverAp.key, d.serverAp.iv);
      eq(
        serverTx.seal(ContentType.handshake, S3_NEW_SESSION_TICKET, TLS12),
        S3_NST_RECORD,
        'server NewSessionTicket record',
      );
      eq(
        serverTx.seal(ContentType.application_data, S3_APP_PAYLOAD, TLS12),
        S3_S_APP_RECORD,
        'server application data record',
      );
      eq(serverTx.seal(ContentType.alert, S3_ALERT_PAYLOAD, TLS12), S3_S_ALERT_RECORD, 'server close_notify record');
    });

    test('a record opened out of order fails with bad_record_mac (the nonce carries the sequence number)', () => {
      const d = derive3(p);
      const clientRx = new Tls13Protection(p, 'AES-128-GCM', d.serverAp.key, d.serverAp.iv);
      // The server's data record was sealed at seq 1; opening it first (seq 0) must fail.
      assert.throws(
        () => openRecord(clientRx, S3_S_APP_RECORD),
        (e: unknown) => e instanceof Error && (e as { alertName?: string }).alertName === 'bad_record_mac',
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// §4: Resumed 0-RTT handshake

for (const p of PROVIDERS) {
  describe(`RFC 8448 §4 resumed 0-RTT handshake [${p.name}]`, () => {
    /** The §3 resumption PSK, derived (not copied) from the §3 handshake. */
    const psk = (): Uint8Array => resumptionPsk(p, 'sha256', derive3(p).resumptionMaster, S3_TICKET_NONCE);

    test('early secret from the §3 resumption PSK', () => {
      const k = psk();
      eq(k, S4_PSK, 'PSK');
      eq(new KeySchedule(p, 'sha256', k).earlySecret, S4_EARLY_SECRET, 'early secret');
    });

    test('PSK binder: binder key ("res binder"), Hash(ClientHello prefix), finished key, binder', () => {
      const ks = new KeySchedule(p, 'sha256', psk());
      const binderKey = ks.binderKey();
      eq(binderKey, S4_BINDER_KEY, 'binder_key');
      assert.notEqual(toHex(ks.binderKey(true)), toHex(S4_BINDER_KEY), '"ext binder" gives a different key');
      const t = new Transcript(p);
      t.setHash('sha256');
      const binderHash = t.hashWith(S4_CLIENT_HELLO_PREFIX);
      eq(binderHash, S4_BINDER_HASH, 'Transcript-Hash(ClientHello prefix)');
      eq(t.hash(), S3_EMPTY_HASH, 'hashWith leaves the transcript untouched');
      eq(
        hkdfExpandLabel(p, 'sha256', binderKey, Label.finished, EMPTY, 32),
        S4_BINDER_FINISHED_KEY,
        'binder finished_key',
      );
      const binder = finishedVerifyData(p, 'sha256', binderKey, binderHash);
      eq(binder, S4_BINDER, 'binder');
      // The sent ClientHello is the prefix followed by the binders list <33> holding the one binder <32>.
      eq(
        concat(S4_CLIENT_HELLO_PREFIX, Uint8Array.of(0x00, 0x21, 0x20), binder),
        S4_CLIENT_HELLO,
        'ClientHello with binders',
      );
    });

    test('0-RTT: client early traffic secret, early exporter, early keys, early data and EndOfEarlyData records', () => {
      const ks = new KeySchedule(p, 'sha256', psk());
      const chHash = p.digest('sha256', S4_CLIENT_HELLO);
      eq(chHash, S4_CH_HASH, 'Transcript-Hash(ClientHello)');
      const cet = deriveSecret(p, 'sha256', ks.earlySecret, Label.clientEarlyTraffic, chHash);
      eq(cet, S4_C_E_TRAFFIC, 'client_early_traffic_secret');
      eq(
        deriveSecret(p, 'sha256', ks.earlySecret, Label.earlyExporter, chHash),
        S4_E_EXP_MASTER,
        'early_exporter_master_secret',
      );
      const keys = trafficKeys(p, 'sha256', cet, 16);
      eq(keys.key, S4_C_E_KEY, 'early key');
      eq(keys.iv, S4_C_E_IV, 'early iv');
      const tx = new Tls13Protection(p, 'AES-128-GCM', keys.key, keys.iv);
      eq(
        tx.seal(ContentType.application_data, S4_EARLY_DATA, TLS12),
        S4_EARLY_DATA_RECORD,
        'early data record (seq 0)',
      );
      eq(tx.seal(ContentType.handshake, S4_END_OF_EARLY_DATA, TLS12), S4_EOED_RECORD, 'EndOfEarlyData record (seq 1)');
      const rx = new Tls13Protection(p, 'AES-128-GCM', keys.key, keys.iv);
      eq(openRecord(rx, S4_EARLY_DATA_RECORD).fragment, S4_EARLY_DATA, 'early data opened');
      eq(openRecord(rx, S4_EOED_RECORD).fragment, S4_END_OF_EARLY_DATA, 'EndOfEarlyData opened');
    });

    test('resumed handshake: shared secret, handshake secret, traffic secrets, master, keys, Finished, records', () => {
      const ks = new KeySchedule(p, 'sha256', psk());
      const shared = p.generateKeyShare('x25519', S4_CLIENT_PRIV).computeSecret(S4_SERVER_PUB);
      eq(shared, S4_SHARED_SECRET, 'x25519 shared secret');
      eq(
        deriveSecret(p, 'sha256', ks.earlySecret, Label.derived, S3_EMPTY_HASH),
        S4_DERIVED_FOR_HS,
        'derived (for handshake)',
      );
      eq(ks.deriveHandshakeSecret(shared), S4_HS_SECRET, 'handshake secret');
      const t = new Transcript(p);
      t.add(S4_CLIENT_HELLO);
      t.setHash('sha256');
      t.add(S4_SERVER_HELLO);
      const helloHash = t.hash();
      eq(helloHash, S4_HELLO_HASH, 'Transcript-Hash(ClientHello, ServerHello)');
      const hs = ks.handshakeTrafficSecrets(helloHash);
      eq(hs.client, S4_C_HS_TRAFFIC, 'client_handshake_traffic_secret');
      eq(hs.server, S4_S_HS_TRAFFIC, 'server_handshake_traffic_secret');
      eq(ks.deriveMasterSecret(), S4_MASTER_SECRET, 'master secret');
      const serverHs = trafficKeys(p, 'sha256', hs.server, 16);
      eq(serverHs.key, S4_S_HS_KEY, 'server handshake key');
      eq(serverHs.iv, S4_S_HS_IV, 'server handshake iv');
      const clientHs = trafficKeys(p, 'sha256', hs.client, 16);
      eq(clientHs.key, S4_C_HS_KEY, 'client handshake key');
      eq(clientHs.iv, S4_C_HS_IV, 'client handshake iv');

      const opened = openRecord(new Tls13Protection(p, 'AES-128-GCM', serverHs.key, serverHs.iv), S4_S_HS_RECORD);
      assert.equal(opened.type, ContentType.handshake);
      eq(opened.fragment, concat(S4_ENCRYPTED_EXTENSIONS, S4_S_FINISHED), 'EncryptedExtensions || Finished');

      t.add(S4_ENCRYPTED_EXTENSIONS);
      const serverFinishedInput = t.hash();
      eq(
        finishedVerifyData(p, 'sha256', hs.server, serverFinishedInput),
        S4_S_FINISHED_VERIFY_DATA,
        'server verify_data',
      );
      assert.equal(
        verifyFinished(p, 'sha256', hs.server, serverFinishedInput, S4_S_FINISHED.subarray(4)),
        true,
        'server Finished verifies',
      );
      t.add(S4_S_FINISHED);
      const serverFinishedHash = t.hash();
      eq(serverFinishedHash, S4_SERVER_FINISHED_HASH, 'Transcript-Hash(ClientHello..server Finished)');
      const app = ks.applicationSecrets(serverFinishedHash);
      eq(app.client, S4_C_AP_TRAFFIC, 'client_application_traffic_secret_0');
      eq(app.server, S4_S_AP_TRAFFIC, 'server_application_traffic_secret_0');
      eq(app.exporter, S4_EXP_MASTER, 'exporter_master_secret');

      // EndOfEarlyData is part of the transcript the client Finished covers.
      t.add(S4_END_OF_EARLY_DATA);
      const clientVerifyData = finishedVerifyData(p, 'sha256', hs.client, t.hash());
      eq(clientVerifyData, S4_C_FINISHED_VERIFY_DATA, 'client verify_data');
      const clientFinished = frameHandshake(HandshakeType.finished, clientVerifyData);
      eq(clientFinished, S4_C_FINISHED, 'client Finished');
      eq(
        new Tls13Protection(p, 'AES-128-GCM', clientHs.key, clientHs.iv).seal(
          ContentType.handshake,
          clientFinished,
          TLS12,
        ),
        S4_C_FINISHED_RECORD,
        'client Finished record',
      );
      t.add(clientFinished);
      eq(t.hash(), S4_CLIENT_FINISHED_HASH, 'Transcript-Hash(ClientHello..client Finished)');
      eq(ks.resumptionMasterSecret(t.hash()), S4_RES_MASTER, 'resumption_master_secret');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// §5: HelloRetryRequest

/** The §5 transcript: ClientHello1 replaced by message_hash, then HRR, ClientHello2, ServerHello. */
function hrrTranscript(p: CryptoProvider, hashChosenFirst: boolean): Transcript {
  const t = new Transcript(p);
  t.add(S5_CLIENT_HELLO_1);
  if (hashChosenFirst) t.setHash('sha256');
  t.replaceWithMessageHash('sha256');
  t.add(S5_HELLO_RETRY_REQUEST);
  t.add(S5_CLIENT_HELLO_2);
  t.add(S5_SERVER_HELLO);
  return t;
}

for (const p of PROVIDERS) {
  describe(`RFC 8448 §5 HelloRetryRequest [${p.name}]`, () => {
    test('the HRR carries the HelloRetryRequest random; the ServerHello does not', () => {
      assert.equal(S5_HELLO_RETRY_REQUEST[0], HandshakeType.server_hello);
      assert.equal(decodeServerHello(S5_HELLO_RETRY_REQUEST.subarray(4)).isHrr, true, 'HRR');
      assert.equal(decodeServerHello(S5_SERVER_HELLO.subarray(4)).isHrr, false, 'ServerHello');
    });

    test('P-256 key shares from the RFC private keys and the shared secret', () => {
      const client = p.generateKeyShare('secp256r1', S5_CLIENT_P256_PRIV);
      const server = p.generateKeyShare('secp256r1', S5_SERVER_P256_PRIV);
      eq(client.publicKey, S5_CLIENT_P256_PUB, 'client public key');
      eq(server.publicKey, S5_SERVER_P256_PUB, 'server public key');
      eq(client.computeSecret(S5_SERVER_P256_PUB), S5_SHARED_SECRET, 'client-side shared secret');
      eq(server.computeSecret(S5_CLIENT_P256_PUB), S5_SHARED_SECRET, 'server-side shared secret');
    });

    test('Transcript.replaceWithMessageHash: message_hash(ClientHello1), HRR, ClientHello2, ServerHello', () => {
      const manual = p.digest(
        'sha256',
        concat(
          Uint8Array.of(HandshakeType.message_hash, 0, 0, 32),
          p.digest('sha256', S5_CLIENT_HELLO_1),
          S5_HELLO_RETRY_REQUEST,
          S5_CLIENT_HELLO_2,
          S5_SERVER_HELLO,
        ),
      );
      eq(manual, S5_HELLO_HASH, 'RFC 8446 §4.4.1 construction by hand');
      eq(hrrTranscript(p, false).hash(), S5_HELLO_HASH, 'ClientHello1 still buffered when the HRR arrives');
      eq(hrrTranscript(p, true).hash(), S5_HELLO_HASH, 'hash already chosen when the HRR arrives');
      // Without the replacement the hash differs (the test would notice a no-op replaceWithMessageHash).
      assert.notEqual(
        toHex(
          p.digest('sha256', concat(S5_CLIENT_HELLO_1, S5_HELLO_RETRY_REQUEST, S5_CLIENT_HELLO_2, S5_SERVER_HELLO)),
        ),
        toHex(S5_HELLO_HASH),
      );
    });

    test('handshake secret and traffic secrets, master, keys, Finished and records after HRR', () => {
      const shared = p.generateKeyShare('secp256r1', S5_CLIENT_P256_PRIV).computeSecret(S5_SERVER_P256_PUB);
      const ks = new KeySchedule(p, 'sha256');
      eq(ks.earlySecret, S3_EARLY_SECRET, 'early secret (no PSK)');
      eq(ks.deriveHandshakeSecret(shared), S5_HS_SECRET, 'handshake secret');
      const t = hrrTranscript(p, false);
      const hs = ks.handshakeTrafficSecrets(t.hash());
      eq(hs.client, S5_C_HS_TRAFFIC, 'client_handshake_traffic_secret');
      eq(hs.server, S5_S_HS_TRAFFIC, 'server_handshake_traffic_secret');
      eq(ks.deriveMasterSecret(), S5_MASTER_SECRET, 'master secret');
      const serverHs = trafficKeys(p, 'sha256', hs.server, 16);
      const clientHs = trafficKeys(p, 'sha256', hs.client, 16);
      eq(serverHs.key, S5_S_HS_KEY, 'server handshake key');
      eq(serverHs.iv, S5_S_HS_IV, 'server handshake iv');
      eq(clientHs.key, S5_C_HS_KEY, 'client handshake key');
      eq(clientHs.iv, S5_C_HS_IV, 'client handshake iv');

      const opened = openRecord(new Tls13Protection(p, 'AES-128-GCM', serverHs.key, serverHs.iv), S5_S_HS_RECORD);
      assert.equal(opened.type, ContentType.handshake);
      eq(
        opened.fragment,
        concat(S5_ENCRYPTED_EXTENSIONS, S5_CERTIFICATE, S5_CERTIFICATE_VERIFY, S5_S_FINISHED),
        'EE || Certificate || CertificateVerify || Finished',
      );

      t.add(S5_ENCRYPTED_EXTENSIONS);
      t.add(S5_CERTIFICATE);
      t.add(S5_CERTIFICATE_VERIFY);
      eq(finishedVerifyData(p, 'sha256', hs.server, t.hash()), S5_S_FINISHED_VERIFY_DATA, 'server verify_data');
      t.add(S5_S_FINISHED);
      eq(t.hash(), S5_SERVER_FINISHED_HASH, 'Transcript-Hash(..server Finished)');
      const app = ks.applicationSecrets(t.hash());
      eq(app.client, S5_C_AP_TRAFFIC, 'client_application_traffic_secret_0');
      eq(app.server, S5_S_AP_TRAFFIC, 'server_application_traffic_secret_0');
      eq(app.exporter, S5_EXP_MASTER, 'exporter_master_secret');
      const clientVerifyData = finishedVerifyData(p, 'sha256', hs.client, t.hash());
      eq(clientVerifyData, S5_C_FINISHED_VERIFY_DATA, 'client verify_data');
      const clientFinished = frameHandshake(HandshakeType.finished, clientVerifyData);
      eq(clientFinished, S5_C_FINISHED, 'client Finished');
      eq(
        new Tls13Protection(p, 'AES-128-GCM', clientHs.key, clientHs.iv).seal(
          ContentType.handshake,
          clientFinished,
          TLS12,
        ),
        S5_C_FINISHED_RECORD,
        'client Finished record',
      );
      t.add(clientFinished);
      eq(t.hash(), S5_CLIENT_FINISHED_HASH, 'Transcript-Hash(..client Finished)');
      eq(ks.resumptionMasterSecret(t.hash()), S5_RES_MASTER, 'resumption_master_secret');
    });
  });
}
