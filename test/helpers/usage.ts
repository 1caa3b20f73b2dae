/** Shared assertion of the option tests: parsing argv fails with a UsageError (exit 2) saying `message`. */
import assert from 'node:assert/strict';
import { UsageError } from '../../src/cli/errors.js';
import { parseArgs } from '../../src/cli/options.js';

/** Asserts that parsing argv fails with a UsageError whose message is `message` (string: exact). */
export function rejects(argv: string[], message: string | RegExp): void {
  assert.throws(
    () => parseArgs(argv, {}),
    (e: unknown) => {
      assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}
