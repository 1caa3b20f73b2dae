/**
 * Command-line parsing of the issue 13 flags (spec/cli.md "Versions and legacy servers"): the
 * security level (--seclevel, --cipher DEFAULT:@SECLEVEL=n), --tls1 / --tls1_1 / --min-tls 1.0,
 * --no-legacy-server-connect.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/options.js';
import { rejects } from '../helpers/usage.js';

describe('security level: --seclevel and --cipher @SECLEVEL=n / DEFAULT (issue 13)', () => {
  it('default null (the library default, 2); --seclevel and @SECLEVEL set it', () => {
    assert.equal(parseArgs(['h'], {}).securityLevel, null);
    assert.equal(parseArgs(['h', '--seclevel', '0'], {}).securityLevel, 0);
    const o = parseArgs(['h', '--cipher', 'DEFAULT:@SECLEVEL=1'], {});
    assert.equal(o.securityLevel, 1);
    assert.ok(o.cipher && o.cipher.length > 10 && o.cipher[0] === 0xc02c, 'DEFAULT is the default list');
    const only = parseArgs(['h', '--cipher', '@SECLEVEL=0'], {});
    assert.deepEqual([only.cipher, only.securityLevel], [null, 0]);
    assert.deepEqual(parseArgs(['h', '--cipher', 'ECDHE-RSA-AES256-SHA:@seclevel=3'], {}).cipher, [0xc014]);
  });
  it('out of range or given twice: exit 2 with one line', () => {
    rejects(['h', '--seclevel', '6'], /^--seclevel expects a whole number from 0 to 5, got '6'/);
    rejects(['h', '--cipher', 'DEFAULT:@SECLEVEL=x'], /^--cipher @SECLEVEL expects a whole number from 0 to 5/);
    rejects(['h', '--seclevel', '1', '--cipher', '@SECLEVEL=0'], /both set the security level/);
  });
});

describe('TLS 1.0/1.1 and legacy servers (issue 13)', () => {
  it('--tls1, --tls1_1, --min-tls 1.0 / TLSv1.1; default 1.2-1.3; --no-legacy-server-connect', () => {
    const v = (argv: string[]): [number, number] => {
      const o = parseArgs([...argv, 'h'], {});
      return [o.minVersion, o.maxVersion];
    };
    assert.deepEqual(v([]), [0x0303, 0x0304]);
    assert.deepEqual(v(['--tls1']), [0x0301, 0x0301]);
    assert.deepEqual(v(['--tls1_1']), [0x0302, 0x0302]);
    assert.deepEqual(v(['--min-tls', '1.0']), [0x0301, 0x0304]);
    assert.deepEqual(v(['--min-tls', 'TLSv1.1', '--max-tls', '1.2']), [0x0302, 0x0303]);
    assert.equal(parseArgs(['h'], {}).legacyServerConnect, true);
    assert.equal(parseArgs(['h', '--no-legacy-server-connect'], {}).legacyServerConnect, false);
  });
});
