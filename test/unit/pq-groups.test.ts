/**
 * The other post-quantum groups (draft-ietf-tls-ecdhe-mlkem, draft-ietf-tls-mlkem):
 * SecP256r1MLKEM768, SecP384r1MLKEM1024, MLKEM768, MLKEM1024 on both providers. Share layout (EC
 * part first for the NIST hybrids), a client/server round trip through pqEncapsulate, node and
 * noble agreeing byte for byte on fixed keys, and the key-share validation the drafts require:
 * exact ML-KEM ciphertext length, EC point on the curve.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupByName, groupById } from '../../src/tls/codec/names.js';
import { PQ_GROUPS, pqEncapsulate, pqShareLengths, type PqGroup } from '../../src/tls/crypto/hybrid.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { nobleProvider } from '../../src/tls/crypto/noble.js';
import { TlsAlert } from '../../src/tls/errors.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const illegal = (e: unknown): boolean => e instanceof TlsAlert && e.alertName === 'illegal_parameter';

const GROUPS: [PqGroup, number, { client: number; server: number; secret: number }][] = [
  ['SecP256r1MLKEM768', 0x11eb, { client: 65 + 1184, server: 65 + 1088, secret: 32 + 32 }],
  ['SecP384r1MLKEM1024', 0x11ed, { client: 97 + 1568, server: 97 + 1568, secret: 48 + 32 }],
  ['MLKEM768', 0x0201, { client: 1184, server: 1088, secret: 32 }],
  ['MLKEM1024', 0x0202, { client: 1568, server: 1568, secret: 32 }],
];

test('group table: code points and OpenSSL names', () => {
  for (const [name, id] of GROUPS) {
    assert.equal(groupById(id)?.name, name);
    assert.equal(groupByName(name.toLowerCase())?.id, id);
  }
  assert.equal(groupByName('X25519MLKEM768')?.id, 0x11ec);
});

/** A fixed private key: 64-byte ML-KEM seed, then the EC scalar for the hybrids. */
function fixedKey(group: PqGroup, fill: number): Uint8Array {
  const ec = PQ_GROUPS[group].ec?.scalarLength ?? 0;
  return new Uint8Array(64 + ec).fill(fill);
}

for (const [group, , sizes] of GROUPS) {
  for (const p of [nodeProvider, nobleProvider]) {
    test(`${group}, ${p.name}: share sizes, EC part first, round trip with the server side`, () => {
      assert.deepEqual(pqShareLengths(group), { client: sizes.client, server: sizes.server });
      const client = p.generateKeyShare(group);
      assert.equal(client.group, group);
      assert.equal(client.publicKey.length, sizes.client);
      const ec = PQ_GROUPS[group].ec;
      if (ec) assert.equal(client.publicKey[0], 0x04, 'uncompressed EC point first');
      const server = ec ? p.generateKeyShare(ec.group) : undefined;
      const { serverShare, sharedSecret } = pqEncapsulate(group, client.publicKey, server);
      assert.equal(serverShare.length, sizes.server);
      assert.equal(sharedSecret.length, sizes.secret);
      assert.equal(toHex(client.computeSecret(serverShare)), toHex(sharedSecret));
    });
  }

  test(`${group}: node and noble agree byte for byte on a fixed key and fixed encapsulation`, () => {
    const a = nodeProvider.generateKeyShare(group, fixedKey(group, 7));
    const b = nobleProvider.generateKeyShare(group, fixedKey(group, 7));
    assert.equal(toHex(a.publicKey), toHex(b.publicKey));
    const ec = PQ_GROUPS[group].ec;
    const serverKey = ec ? new Uint8Array(ec.scalarLength).fill(3) : undefined;
    const s = pqEncapsulate(
      group,
      a.publicKey,
      ec ? nobleProvider.generateKeyShare(ec.group, serverKey) : undefined,
      new Uint8Array(32).fill(5),
    );
    assert.equal(toHex(a.computeSecret(s.serverShare)), toHex(b.computeSecret(s.serverShare)));
    assert.equal(toHex(a.computeSecret(s.serverShare)), toHex(s.sharedSecret));
  });

  test(`${group}: a truncated or over-long server share is illegal_parameter on both providers`, () => {
    for (const p of [nodeProvider, nobleProvider]) {
      const client = p.generateKeyShare(group);
      const ec = PQ_GROUPS[group].ec;
      const { serverShare } = pqEncapsulate(group, client.publicKey, ec ? p.generateKeyShare(ec.group) : undefined);
      assert.throws(() => client.computeSecret(serverShare.subarray(0, serverShare.length - 1)), illegal);
      assert.throws(() => client.computeSecret(new Uint8Array([...serverShare, 0])), illegal);
      assert.throws(() => client.computeSecret(new Uint8Array(0)), illegal);
      // A client share of the wrong length is refused by the server side too.
      assert.throws(() => pqEncapsulate(group, client.publicKey.subarray(1)), illegal);
    }
  });
}

for (const group of ['SecP256r1MLKEM768', 'SecP384r1MLKEM1024'] as const) {
  test(`${group}: an EC point off the curve (right length) is illegal_parameter on both providers`, () => {
    for (const p of [nodeProvider, nobleProvider]) {
      const client = p.generateKeyShare(group);
      const ec = PQ_GROUPS[group].ec;
      assert.ok(ec);
      const { serverShare } = pqEncapsulate(group, client.publicKey, p.generateKeyShare(ec.group));
      const offCurve = serverShare.slice();
      offCurve[ec.pointLength - 1] = (offCurve[ec.pointLength - 1] ?? 0) ^ 1; // last byte of Y
      assert.throws(() => client.computeSecret(offCurve), illegal);
      const compressed = serverShare.slice();
      compressed[0] = 0x02;
      assert.throws(() => client.computeSecret(compressed), illegal);
    }
  });
}

test('a wrong ML-KEM ciphertext of the right length gives a different secret (FIPS 203 implicit rejection)', () => {
  const client = nodeProvider.generateKeyShare('MLKEM768');
  const { serverShare, sharedSecret } = pqEncapsulate('MLKEM768', client.publicKey);
  const flipped = serverShare.slice();
  flipped[100] = (flipped[100] ?? 0) ^ 1;
  assert.notEqual(toHex(client.computeSecret(flipped)), toHex(sharedSecret));
});
