/**
 * The issue-16 fuzz targets (test/fuzz/targets-2026.ts) for a bounded number of iterations with a
 * fixed seed: only typed errors escape, and each target has both accepted and rejected inputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz, replay } from '../fuzz/targets.js';
import { buildTargets2026 } from '../fuzz/targets-2026.js';

const ITERATIONS: Record<string, number> = {
  'ech-config-list': 3000,
  'ech-inner': 3000,
  'ech-hrr-confirmation': 3000,
  'compressed-certificate': 1500,
  'pq-server-shares': 300,
  'mldsa-verify': 150,
};
const SEED = 20261206;
const targets = buildTargets2026();

for (const t of targets) {
  test(`${t.name}: ${ITERATIONS[t.name] ?? 0} mutated inputs, no untyped exception`, { timeout: 120_000 }, () => {
    const n = ITERATIONS[t.name];
    assert.ok(n, `no iteration count for ${t.name}`);
    for (const s of t.seeds) assert.doesNotThrow(() => t.run(s), `${t.name}: a seed is rejected`);
    const r = fuzz(t, n, SEED);
    const crashes = r.crashes.map((c) => `${c.error}\n  input ${c.inputHex}`).join('\n');
    assert.equal(r.crashes.length, 0, `${JSON.stringify(r.outcomes)}\n${crashes}`);
    const labels = Object.keys(r.outcomes);
    assert.ok(
      labels.some((k) => k.startsWith('TlsAlert') || k === 'refused' || k === 'none usable'),
      JSON.stringify(r.outcomes),
    );
    assert.ok(
      labels.some((k) => !k.startsWith('TlsAlert') && k !== 'CRASH'),
      JSON.stringify(r.outcomes),
    );
  });
}

test('replay runs one input again', () => {
  const t = targets.find((x) => x.name === 'compressed-certificate');
  assert.ok(t);
  assert.equal(replay(t, Buffer.from(t.seeds[0] ?? new Uint8Array(0)).toString('hex')), 'decompressed');
});
