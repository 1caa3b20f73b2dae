/**
 * Certificate compression (RFC 8879) against OpenSSL 3.5 s_server -cert_comp (Debian's build has
 * zlib and zstd, no brotli): offered by default, chosen with --cert-compression, turned off with
 * --no-cert-compression; the report line and JSON certificateCompression; the chain still verifies.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslNextServer } from '../helpers/openssl-next.js';
import { jsonOf, probe, type CliResult } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

async function run(extra: string[], serverArgs = ['-cert_comp']): Promise<CliResult> {
  const peer = await startOpenSslNextServer('3.5', { ...pki.leaf('p256'), args: ['-tls1_3', '-www', ...serverArgs] });
  try {
    return await probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...extra]);
  } finally {
    await peer.stop();
  }
}

test('default offer: s_server -cert_comp sends zlib; report line and verification', async () => {
  const r = await run([]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Certificate compression: zlib \((\d+) -> (\d+) bytes\)$/m);
  const [, full, compressed] = /Certificate compression: zlib \((\d+) -> (\d+) bytes\)/.exec(r.stdout) ?? [];
  assert.ok(Number(compressed) < Number(full));
  assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
});

test('--cert-compression zstd: zstd, in JSON certificateCompression', async () => {
  const r = await run(['--cert-compression', 'zstd', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const c = (
    jsonOf(r) as {
      connections: {
        certificateCompression: { algorithm: string; uncompressedLength: number; compressedLength: number } | null;
        verify: { code: number };
      }[];
    }
  ).connections[0];
  assert.equal(c?.certificateCompression?.algorithm, 'zstd');
  assert.ok((c?.certificateCompression?.compressedLength ?? 0) > 0);
  assert.ok((c?.certificateCompression?.uncompressedLength ?? 0) > (c?.certificateCompression?.compressedLength ?? 0));
  assert.equal(c?.verify.code, 0);
});

test('--no-cert-compression, or a server without -cert_comp: a plain Certificate, no report line, JSON null', async () => {
  for (const [extra, serverArgs] of [
    [['--no-cert-compression', '--json'], ['-cert_comp']],
    [['--json'], []],
  ] as const) {
    const r = await run([...extra], [...serverArgs]);
    assert.equal(r.code, 0, r.stderr);
    const c = (jsonOf(r) as { connections: { certificateCompression: unknown }[] }).connections[0];
    assert.equal(c?.certificateCompression, null);
  }
  const plain = await run(['--no-cert-compression']);
  assert.doesNotMatch(plain.stdout, /Certificate compression/);
});
