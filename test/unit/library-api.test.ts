/**
 * The package's library entry (package.json main/exports/types → dist/index.*) exists after the
 * build and exposes the SSL-object API with OpenSSL's mode bits and error classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/pki.js';

test('package.json main, exports and types name files the build produced', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    main: string;
    types: string;
    exports: Record<string, string>;
  };
  for (const f of [pkg.main, pkg.types, pkg.exports['.']!])
    assert.ok(existsSync(join(repoRoot, f)), `${f} missing (run npm run build)`);
});

test('the built library exports Context, Connection, Mode and SslError with OpenSSL values', async () => {
  const lib = (await import(join(repoRoot, 'dist', 'index.js'))) as typeof import('../../src/index.js');
  assert.equal(typeof lib.Context, 'function');
  assert.equal(typeof lib.Connection, 'function');
  assert.deepEqual(
    { ...lib.Mode },
    { ENABLE_PARTIAL_WRITE: 1, ACCEPT_MOVING_WRITE_BUFFER: 2, AUTO_RETRY: 4, RELEASE_BUFFERS: 16 },
  );
  assert.equal(lib.SslError.WANT_READ, 2);
  assert.equal(lib.SslError.SYSCALL, 5);
  const ctx = new lib.Context(lib.nodeProvider, { now: Date.now });
  assert.equal(ctx.getMode(), 4, 'library default: AUTO_RETRY on, as OpenSSL >= 1.1.1');
  assert.equal(ctx.setMode(lib.Mode.ENABLE_PARTIAL_WRITE), 5);
  assert.equal(ctx.clearMode(lib.Mode.AUTO_RETRY), 1);
});
