/**
 * RFC 7685 ClientHello padding, BoringSSL's rule (ssl_add_clienthello_tlsext; OpenSSL's
 * tls_construct_ctos_padding): a ClientHello message of 256..511 bytes is padded to exactly 512,
 * the padding extension going just before pre_shared_key. BoGo's ClientHelloPadding test requires
 * a 512-byte ClientHello for a long host name.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeClientHello } from '../../src/tls/codec/hello.js';
import { ExtensionType } from '../../src/tls/codec/registry.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { defaultOptions } from '../../src/tls/context.js';
import { buildClientHello, paddingExtension, type HelloParams } from '../../src/tls/handshake/clienthello.js';

const options = {
  ...defaultOptions(nodeProvider, () => 0),
  groups: ['x25519' as const],
  keyShareGroups: ['x25519' as const],
};

function params(servername: string, psk = false): HelloParams {
  return {
    random: new Uint8Array(32),
    sessionId: new Uint8Array(32),
    servername,
    keyShares: [{ group: 'x25519', publicKey: new Uint8Array(32), privateKey: new Uint8Array(32) } as never],
    ...(psk
      ? {
          psk: {
            identity: new Uint8Array(100),
            obfuscatedAge: 7,
            hash: 'sha256' as const,
            binder: () => new Uint8Array(32),
          },
        }
      : {}),
  };
}

function types(message: Uint8Array): number[] {
  return decodeClientHello(message.subarray(4)).extensions.map((e) => e.type);
}

describe('ClientHello padding (RFC 7685)', () => {
  test('a hello in 256..511 bytes is padded to 512, padding last', () => {
    // BoGo ClientHelloPadding's host name.
    const { message } = buildClientHello(options, params(`${'0123456789'.repeat(8)}.com`));
    assert.equal(message.length, 512);
    assert.equal(types(message).at(-1), ExtensionType.padding);
  });

  test('with a PSK the padding goes before pre_shared_key and the binder still fits', () => {
    const { message } = buildClientHello(options, params('example.com', true));
    assert.equal(message.length, 512);
    assert.deepEqual(types(message).slice(-2), [ExtensionType.padding, ExtensionType.pre_shared_key]);
  });

  test('short and long hellos are not padded', () => {
    const short = buildClientHello({ ...options, maxVersion: 0x0303 }, params(''));
    assert.ok(short.message.length <= 0xff, `short hello ${short.message.length}`);
    assert.ok(!types(short.message).includes(ExtensionType.padding));
    const long = buildClientHello(options, params('a'.repeat(300)));
    assert.ok(long.message.length >= 0x200);
    assert.ok(!types(long.message).includes(ExtensionType.padding));
  });

  test('the boundaries: 255 and 512 unpadded, 256 padded, 508..511 get a one-byte extension', () => {
    assert.equal(paddingExtension(255), null);
    assert.equal(paddingExtension(512), null);
    assert.equal(paddingExtension(256)?.data.length, 252);
    assert.equal(paddingExtension(507)?.data.length, 1);
    assert.equal(paddingExtension(508)?.data.length, 1);
    assert.equal(paddingExtension(511)?.data.length, 1);
  });
});
