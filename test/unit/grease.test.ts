/**
 * GREASE (RFC 8701) in our ClientHello with ContextOptions.grease: a reserved value first in the
 * cipher suites, supported_groups, key_share (one byte) and supported_versions, an empty GREASE
 * extension first and a one-byte one last, the same values in a second ClientHello (whose
 * key_share holds only the HelloRetryRequest's group, RFC 8446 §4.1.2). The TestServer ignores
 * them as RFC 8701 §3.2 asks of a server, and the handshakes complete (BoGo GREASE-Client-TLS12/13).
 * permuteExtensions (BoringSSL SSL_set_permute_extensions) reorders the same extensions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import {
  clientKeyShares,
  clientU16List,
  clientVersions,
  type ParsedClientHello,
} from '../helpers/tls-server-common.js';
import { connectPair, handshake } from '../helpers/tls-server.js';

/** RFC 8701 §2: 0x?A?A with both bytes equal. */
const isGrease = (v: number | undefined): boolean =>
  v !== undefined && (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

function greaseOf(ch: ParsedClientHello) {
  const exts = ch.extensions.filter((e) => e.type !== ExtensionType.padding);
  return {
    suite: ch.cipherSuites[0],
    group: clientU16List(ch, ExtensionType.supported_groups, 'supported_groups')[0],
    version: clientVersions(ch)[0],
    share: clientKeyShares(ch)[0],
    first: exts[0],
    last: exts.at(-1),
    count: [...ch.cipherSuites, ...ch.extensions.map((e) => e.type)].filter(isGrease).length,
  };
}

for (const version of [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_3] as const) {
  test(`grease: reserved values throughout the ClientHello; a TLS ${version === ProtocolVersion.TLS1_3 ? '1.3' : '1.2'} handshake completes`, async () => {
    const pair = await connectPair({ version }, { grease: true });
    handshake(pair);
    const ch = pair.server.clientHellos[0];
    assert.ok(ch);
    const g = greaseOf(ch);
    assert.ok(isGrease(g.suite), `suite ${g.suite}`);
    assert.ok(isGrease(g.group), `group ${g.group}`);
    assert.ok(isGrease(g.version), `version ${g.version}`);
    assert.ok(g.share && isGrease(g.share.group) && g.share.key.length === 1, 'a one-byte GREASE key share first');
    assert.equal(g.share?.group, g.group, 'key_share in supported_groups order');
    assert.ok(g.first && isGrease(g.first.type) && g.first.data.length === 0, 'an empty GREASE extension first');
    assert.ok(g.last && isGrease(g.last.type) && g.last.data.length === 1, 'a one-byte GREASE extension last');
    assert.notEqual(g.first?.type, g.last?.type);
    assert.equal(pair.conn.handshake.info.version, version);
  });
}

test('grease after a HelloRetryRequest: the same values, and no GREASE key share in the second ClientHello', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_3, group: 'secp384r1' }, { grease: true });
  handshake(pair);
  const [ch1, ch2] = pair.server.clientHellos;
  assert.ok(ch1 && ch2, 'two ClientHellos');
  const [a, b] = [greaseOf(ch1), greaseOf(ch2)];
  assert.deepEqual(
    [b.suite, b.group, b.version, b.first?.type, b.last?.type],
    [a.suite, a.group, a.version, a.first?.type, a.last?.type],
  );
  assert.deepEqual(
    clientKeyShares(ch2).map((k) => k.group),
    [0x0018],
  );
});

test('without grease: no reserved value anywhere', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_3 });
  handshake(pair);
  const ch = pair.server.clientHellos[0];
  assert.ok(ch);
  assert.equal(greaseOf(ch).count, 0);
  assert.ok(!isGrease(clientU16List(ch, ExtensionType.supported_groups, 'supported_groups')[0]));
});

/** nodeProvider whose random values repeat one fixed 32-byte pattern: a client random we know. */
const fixedRandom: CryptoProvider = {
  ...nodeProvider,
  randomBytes: (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff),
};

test('permuteExtensions: the same extensions in another order, kept by the second ClientHello', async () => {
  const types = (ch: ParsedClientHello | undefined): number[] => (ch ? ch.extensions.map((e) => e.type) : []);
  const plain = await connectPair({ version: ProtocolVersion.TLS1_3, group: 'secp384r1' }, { provider: fixedRandom });
  handshake(plain);
  const permuted = await connectPair(
    { version: ProtocolVersion.TLS1_3, group: 'secp384r1' },
    { provider: fixedRandom, permuteExtensions: true },
  );
  handshake(permuted);
  const [p1, p2] = [types(permuted.server.clientHellos[0]), types(permuted.server.clientHellos[1])];
  const o1 = types(plain.server.clientHellos[0]);
  assert.deepEqual([...p1].sort(), [...o1].sort(), 'the same extensions');
  assert.notDeepEqual(p1, o1, 'in another order');
  // The second ClientHello (after the HelloRetryRequest) keeps the relative order of the first.
  assert.deepEqual(
    p2.filter((t) => p1.includes(t)),
    p1.filter((t) => p2.includes(t)),
  );
  assert.equal(permuted.conn.handshake.info.version, ProtocolVersion.TLS1_3);
});
