/**
 * ECH for the in-memory test server (RFC 9849 §7, the client-facing server in shared mode): it
 * opens ClientHelloOuter with its key and goes on with ClientHelloInner, confirming in
 * ServerHello.random (§7.2); or, without the key, it goes on with the outer hello and may send
 * retry_configs in EncryptedExtensions. The hostile twists: a wrong confirmation, retry configs
 * after accepting, retry configs of any bytes. Built from the product's src/tls/ech inverse
 * functions (the client's own HPKE, codec and confirmation), so it proves consistency, not
 * interop; the real servers are in test/interop/ech.test.ts.
 */
import { decodeClientHello, encodeClientHello, frameHandshake, HandshakeType } from '../../src/tls/codec/handshake.js';
import { findExtension, type Extension } from '../../src/tls/codec/extensions.js';
import type { HashName } from '../../src/tls/codec/names.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { setupBaseR, x25519PublicKey } from '../../src/tls/crypto/hpke.js';
import { decodeEchConfigList, encodeEchConfig, encodeEchConfigList } from '../../src/tls/ech/config.js';
import { clientHelloOuterAad, decodeClientHelloInner, EXT_ENCRYPTED_CLIENT_HELLO } from '../../src/tls/ech/inner.js';
import { echConfirmation, serverHelloForConfirmation } from '../../src/tls/ech/confirm.js';
import type { Transcript } from '../../src/tls/handshake/transcript.js';
import type { ParsedClientHello, ServerEch } from './tls-server-common.js';

export type { ServerEch } from './tls-server-common.js';

/** An ECH key for tests: its ECHConfigList (public name `publicName`) and private key. */
export function testEchKey(p: CryptoProvider, publicName = 'public.example', configId = 3): ServerEch['key'] & {} {
  const privateKey = p.randomBytes(32);
  const config = encodeEchConfig({
    configId,
    kemId: 0x20,
    publicKey: x25519PublicKey(p, privateKey),
    cipherSuites: [{ kdfId: 1, aeadId: 1 }],
    maximumNameLength: 32,
    publicName,
    extensions: [],
  });
  return { configList: encodeEchConfigList([config]), privateKey };
}

/**
 * ClientHelloOuter → ClientHelloInner when `ech.key` opens it (§7.1): the inner hello parsed as
 * the server's ClientHello, or null (no ECH extension, another config, or a payload that does not
 * open: the server then uses the outer hello, as §7.1 says).
 */
export function openClientHelloOuter(
  p: CryptoProvider,
  ech: ServerEch,
  ch: ParsedClientHello,
): ParsedClientHello | null {
  const key = ech.key;
  if (!key || !findExtension(ch.extensions, EXT_ENCRYPTED_CLIENT_HELLO)) return null;
  const [config] = decodeEchConfigList(key.configList);
  if (!config?.contents) throw new Error('test ECH key without a config');
  const outer = { ...ch, extensions: ch.extensions };
  const { aad, fields } = clientHelloOuterAad(outer);
  if (fields.configId !== config.contents.configId) return null;
  const info = new Uint8Array([...new TextEncoder().encode('tls ech'), 0, ...config.raw]);
  const opened = setupBaseR(p, fields.suite, fields.enc, key.privateKey, info).open(aad, fields.payload);
  if (!opened) return null;
  const inner = decodeClientHelloInner(opened, outer);
  const raw = frameHandshake(HandshakeType.client_hello, encodeClientHello(inner)).slice();
  const parsed = decodeClientHello(raw.subarray(4));
  return { ...parsed, compression: parsed.compressionMethods, raw };
}

/** §7.2: ServerHello (framed) with the accept confirmation in its random's last 8 bytes. */
export function confirmServerHello(
  p: CryptoProvider,
  ech: ServerEch,
  hash: HashName,
  transcript: Transcript,
  innerRandom: Uint8Array,
  framedServerHello: Uint8Array,
): Uint8Array {
  const { zeroed } = serverHelloForConfirmation(framedServerHello);
  const conf = echConfirmation(p, hash, innerRandom, transcript.hashWith(zeroed), false);
  if (ech.wrongConfirmation) conf[0] = (conf[0] ?? 0) ^ 0x80;
  zeroed.set(conf, 4 + 2 + 24);
  return zeroed;
}

/** encrypted_client_hello for EncryptedExtensions (§5), when this server sends one. */
export function retryConfigsExtension(ech: ServerEch, accepted: boolean): Extension | null {
  if (!ech.retryConfigs || (accepted && !ech.alwaysRetry)) return null;
  return { type: EXT_ENCRYPTED_CLIENT_HELLO, data: ech.retryConfigs };
}
