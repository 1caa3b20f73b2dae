/**
 * --ech-config-list and --cert-compression values (src/cli/ech-values.ts): the forms a user has
 * (base64, the `openssl ech` PEM, bssl-tool's raw list, a base64 file) give the same list; bad
 * values are one-line usage errors (exit 2 before anything is sent).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCertCompression, parseEchConfigList } from '../../src/cli/ech-values.js';
import { encodeEchConfig, encodeEchConfigList, echConfigListToBase64 } from '../../src/tls/ech/config.js';
import { x25519PublicKey } from '../../src/tls/crypto/hpke.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { UsageError } from '../../src/cli/errors.js';

const list = encodeEchConfigList([
  encodeEchConfig({
    configId: 1,
    kemId: 0x20,
    publicKey: x25519PublicKey(nodeProvider, new Uint8Array(32).fill(1)),
    cipherSuites: [{ kdfId: 1, aeadId: 1 }],
    maximumNameLength: 0,
    publicName: 'public.example',
    extensions: [],
  }),
]);
const b64 = echConfigListToBase64(list);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const usageMatching = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

test('--ech-config-list: base64, PEM file, base64 file and raw list file give the same ECHConfigList', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-echv-'));
  const pem = join(dir, 'ech.pem');
  writeFileSync(
    pem,
    `-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN ECHCONFIG-----\n${b64}\n-----END ECHCONFIG-----\n`,
  );
  const txt = join(dir, 'ech.b64');
  writeFileSync(txt, `${b64}\n`);
  const bin = join(dir, 'ech.list');
  writeFileSync(bin, list);
  for (const v of [b64, pem, txt, bin]) assert.equal(hex(parseEchConfigList(v)), hex(list), v);
});

test('--ech-config-list: garbage, a truncated list or no usable config is a one-line usage error', () => {
  assert.throws(
    () => parseEchConfigList('!!!'),
    usageMatching(/^--ech-config-list: the value is no valid ECHConfigList/),
  );
  assert.throws(
    () => parseEchConfigList(echConfigListToBase64(list.subarray(0, 10))),
    usageMatching(/no valid ECHConfigList/),
  );
  const p256Kem = encodeEchConfigList([
    encodeEchConfig({
      ...{
        configId: 2,
        kemId: 0x10,
        publicKey: new Uint8Array(65),
        cipherSuites: [{ kdfId: 1, aeadId: 1 }],
        maximumNameLength: 0,
        publicName: 'p.example',
        extensions: [],
      },
    }),
  ]);
  assert.throws(
    () => parseEchConfigList(echConfigListToBase64(p256Kem)),
    usageMatching(/no usable ECHConfig \(KEM 0x10 is not supported\)/),
  );
});

test('--cert-compression: names in order; unknown is a usage error', () => {
  assert.deepEqual(parseCertCompression('brotli,zstd'), ['brotli', 'zstd']);
  assert.deepEqual(parseCertCompression('ZLIB'), ['zlib']);
  assert.throws(() => parseCertCompression('lz4'), usageMatching(/unknown algorithm 'lz4' in --cert-compression/));
  assert.throws(() => parseCertCompression('zlib,zlib'), UsageError);
});
