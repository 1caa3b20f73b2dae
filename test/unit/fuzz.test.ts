/**
 * The fuzz targets (test/fuzz/targets.ts) for a fixed, bounded number of iterations each, with a
 * fixed seed so a failure reproduces: no input may raise anything but the project's typed errors.
 * A crash is reported with its reproducing input as hex (replay it with
 * `node --import tsx test/fuzz/run.ts --replay <target> <hex>`). Longer runs: test/fuzz/run.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toHex } from '../../src/tls/codec/bytes.js';
import {
  Rng,
  buildTargets,
  fuzz,
  mutate,
  mutateOnce,
  replay,
  type FuzzResult,
  type FuzzTarget,
} from '../fuzz/targets.js';

/** Iterations per target: together well under 20 s on a loaded machine. */
const ITERATIONS: Record<string, number> = {
  'record-deframer': 2000,
  'handshake-decoders': 2000,
  'extension-readers': 2000,
  'session-pem': 2000,
  'session-der': 2000,
  x509: 800,
  'client-handshake': 250,
};
const SEED = 20260101;

let targets: FuzzTarget[];
before(async () => {
  targets = await buildTargets();
});

function report(r: FuzzResult): string {
  const crashes = r.crashes.map((c) => `iteration ${c.iteration}: ${c.error}\n  input hex: ${c.inputHex}`).join('\n');
  return `${r.target}: ${JSON.stringify(r.outcomes)}\n${crashes}`;
}

describe('fuzz targets: only typed errors, whatever the input', () => {
  for (const [name, iterations] of Object.entries(ITERATIONS)) {
    test(`${name}: ${iterations} mutated inputs, no untyped exception`, { timeout: 60_000 }, () => {
      const t = targets.find((x) => x.name === name);
      assert.ok(t, `no target ${name}`);
      const r = fuzz(t, iterations, SEED);
      assert.equal(r.crashes.length, 0, report(r));
      // Not degenerate: the inputs reach both the success paths and the rejections.
      const typed = Object.entries(r.outcomes).filter(([k]) =>
        /^(TlsAlert|DerError|UsageError|SessionFormatError|VerifyError|UnexpectedEof)/.test(k),
      );
      const clean = Object.entries(r.outcomes).filter(([k]) => !typed.some(([t2]) => t2 === k) && k !== 'CRASH');
      assert.ok(typed.length > 0, `no input was rejected: ${report(r)}`);
      assert.ok(clean.length > 0, `no input got through: ${report(r)}`);
    });
  }

  test('every seed is accepted unmutated (the corpus is real)', () => {
    for (const t of targets) {
      for (const s of t.seeds) {
        // Whole flights and messages: at least the matching decoder accepts them. (The extension
        // seeds include ClientHello bodies, which no server-side reader is meant to accept.)
        if (t.name === 'record-deframer' || t.name === 'handshake-decoders') {
          assert.doesNotThrow(() => t.run(s), `${t.name} seed ${toHex(s).slice(0, 80)}`);
        }
      }
    }
    for (const name of ['session-pem', 'session-der']) {
      const t = targets.find((x) => x.name === name)!;
      for (const s of t.seeds) assert.equal(t.run(s), 'decoded', name);
    }
  });
});

describe('the fuzzer itself', () => {
  test('the mutations are deterministic for a seed and change the input', () => {
    const input = Uint8Array.from({ length: 64 }, (_, i) => i);
    const a = new Rng(7);
    const b = new Rng(7);
    const outA = Array.from({ length: 50 }, () => toHex(mutate(a, input, [input])));
    const outB = Array.from({ length: 50 }, () => toHex(mutate(b, input, [input])));
    assert.deepEqual(outA, outB);
    assert.ok(outA.filter((h) => h !== toHex(input)).length >= 45, 'nearly every mutation changes the input');
    for (const op of [
      'bitflip',
      'byte',
      'insert',
      'delete',
      'duplicate',
      'length',
      'splice',
      'truncate',
      'repeat',
    ] as const) {
      assert.doesNotThrow(() => mutateOnce(new Rng(3), input, [input], op));
      assert.doesNotThrow(() => mutateOnce(new Rng(3), new Uint8Array(0), [], op));
    }
  });

  test('an untyped exception is reported as a crash with the input that replays it', () => {
    const planted: FuzzTarget = {
      name: 'planted',
      seeds: [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
      run(input) {
        if (input.length > 12) throw new RangeError('planted bug');
        if (input[0] === 0) throw new Error('plain error');
      },
    };
    const r = fuzz(planted, 500, 1);
    assert.ok(r.crashes.length > 0, JSON.stringify(r.outcomes));
    const c = r.crashes[0]!;
    assert.match(c.error, /planted bug|plain error/);
    assert.throws(() => replay(planted, c.inputHex), /planted bug|plain error/);
  });
});
