/**
 * DESIGN.md: the TLS core is sans-IO. This keeps the line by check, not by memory: nothing under
 * src/tls/ may import the CLI, the transports, node:net, node:fs, node:tls, node:dgram or timers,
 * load a module at run time (dynamic import(), require), call setTimeout/setInterval/setImmediate,
 * or read a clock (Date.now, new Date() without an argument, performance): the caller passes the
 * time in (Context option `now`, the session decoders' `nowSeconds`).
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
/** import('x') as an expression (`typeof import('x')` in a type is no load); require, createRequire. */
const DYNAMIC_LOAD =
  /(?<!typeof\s+)\bimport\s*\(|(?<![\w.$]|(?:private|protected|public|static)\s+)require\s*\(|\bcreateRequire\b/;
/** Date.now, `new Date()` with no argument, Date() called as a function, performance.* */
const CLOCK = /\bDate\.now\b|\bnew\s+Date\s*\(\s*\)|(?<![\w.]|new\s+)Date\s*\(|\bperformance\b/;

/** A line's code: its `//` comment and JSDoc/block-comment lines dropped (they may name the rules). */
function code(line: string): string {
  const t = line.trim();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return '';
  return line.replace(/\s\/\/ .*$/, '');
}

/** The check itself, on one line of code. */
function forbidden(line: string): boolean {
  const c = code(line);
  return FORBIDDEN_IMPORT.test(c) || FORBIDDEN_CALL.test(c) || DYNAMIC_LOAD.test(c) || CLOCK.test(c);
}

test('src/tls imports no I/O, no CLI, no transports, loads nothing at run time, uses no timers and reads no clock', () => {
  const offenders: string[] = [];
  const all = files(join(root, 'src/tls'));
  assert.ok(all.length > 20, `expected the core's files, found ${all.length}`);
  for (const f of all) {
    const text = readFileSync(f, 'utf8');
    text.split('\n').forEach((line, i) => {
      if (forbidden(line)) offenders.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test('the check itself catches each forbidden thing, planted', () => {
  const planted = [
    `import { connect } from 'node:net';`,
    `import { readFileSync } from 'fs';`,
    `import { run } from '../../cli/run.js';`,
    `import { SocketTransport } from '../net/socket.js';`,
    `setTimeout(() => 1, 5);`,
    `const m = await import('node:fs');`,
    `const { readFileSync } = await import(name);`,
    `const fs = require('fs');`,
    `return require(name);`,
    `const req = createRequire(import.meta.url);`,
    `const t = Date.now();`,
    `const now = Date.now;`,
    `const d = new Date();`,
    `const d = new Date( );`,
    `const s = Date();`,
    `const t0 = performance.now();`,
    `const { now } = performance;`,
  ];
  for (const line of planted) assert.ok(forbidden(line), `not caught: ${line}`);
});

test('the check lets through what the core may do', () => {
  const allowed = [
    `import { createHash } from 'node:crypto';`,
    `import type { Transport } from '../types.js';`,
    `type Provider = typeof import('./crypto/node.js');`,
    `const d = new Date(ms);`,
    `const hs = this.require(this.handshakeSecret, 'handshake secret');`,
    `private require(v: Uint8Array | undefined, what: string): Uint8Array {`,
    `const d = new Date(o.now());`,
    `if (xs.notBefore.getTime() > now) return fail;`,
    `const ms = Date.UTC(year, mo - 1, d, h, mi, se);`,
    `// Date.now() is the caller's: see Context option now`,
    ` * performance: the caller measures, the core does not`,
    `const x = isDate(y); // not a clock`,
  ];
  for (const line of allowed) assert.ok(!forbidden(line), `caught but allowed: ${line}`);
});
