/**
 * DESIGN.md: the TLS core is sans-IO. This keeps the line by check, not by memory: nothing under
 * src/tls/ may import the CLI, the transports, node:net, node:fs, node:tls, node:dgram or timers,
 * nor call setTimeout/setInterval/setImmediate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN_IMPORT =
  /from\s+['"](node:)?(net|fs|fs\/promises|tls|dgram|timers|timers\/promises|child_process)['"]|from\s+['"][./]+(cli|net)\//;
const FORBIDDEN_CALL = /\b(setTimeout|setInterval|setImmediate)\s*\(/;

test('src/tls imports no I/O, no CLI, no transports and uses no timers', () => {
  const offenders: string[] = [];
  const all = files(join(root, 'src/tls'));
  assert.ok(all.length > 20, `expected the core's files, found ${all.length}`);
  for (const f of all) {
    const text = readFileSync(f, 'utf8');
    text.split('\n').forEach((line, i) => {
      if (FORBIDDEN_IMPORT.test(line) || FORBIDDEN_CALL.test(line))
        offenders.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test('the check itself catches a forbidden import', () => {
  assert.ok(FORBIDDEN_IMPORT.test(`import { connect } from 'node:net';`));
  assert.ok(FORBIDDEN_IMPORT.test(`import { run } from '../../cli/run.js';`));
  assert.ok(FORBIDDEN_CALL.test(`setTimeout(() => 1, 5);`));
  assert.ok(!FORBIDDEN_IMPORT.test(`import { createHash } from 'node:crypto';`));
});
