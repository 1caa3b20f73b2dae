/**
 * The manual page documents every option that --help shows, and groff renders it without warnings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { helpText } from '../../src/cli/options.js';

const MAN = fileURLToPath(new URL('../../man/tls-probe.1', import.meta.url));
const source = readFileSync(MAN, 'utf8');
/** The page's text with roff escapes for '-' and font changes removed. */
const plain = source
  .replace(/\\-/g, '-')
  .replace(/\\f[BIRP]/g, '')
  .replace(/\\&/g, '');

describe('man/tls-probe.1', () => {
  it('documents every long option that --help shows', () => {
    const flags = [...new Set(helpText().match(/--[a-z][a-z0-9_-]*/g) ?? [])];
    assert.ok(flags.length > 40, `only ${flags.length} flags found in --help`);
    const missing = flags.filter((f) => !new RegExp(`${f}(?![a-z0-9_-])`).test(plain));
    assert.deepEqual(missing, [], `flags in --help but not in the man page: ${missing.join(' ')}`);
  });

  it('has the standard sections, exit statuses 0-5 and the environment variables', () => {
    for (const s of [
      'NAME',
      'SYNOPSIS',
      'DESCRIPTION',
      'OPTIONS',
      'OUTPUT',
      '"EXIT STATUS"|EXIT STATUS',
      'ENVIRONMENT',
      'EXAMPLES',
      '"SEE ALSO"|SEE ALSO',
    ]) {
      assert.match(source, new RegExp(`^\\.SH (${s})$`, 'm'), `section ${s}`);
    }
    for (const code of ['0', '1', '2', '3', '4', '5'])
      assert.match(source, new RegExp(`^\\.TP\\n\\.B ${code}$`, 'm'), `exit status ${code}`);
    for (const v of ['SSLKEYLOGFILE', 'NO_COLOR', 'NODE_EXTRA_CA_CERTS'])
      assert.match(source, new RegExp(`^\\.B ${v}$`, 'm'), v);
    for (const ref of ['openssl-s_client (1)', 'gnutls-cli (1)']) assert.ok(plain.includes(ref), ref);
  });

  it('renders with `groff -man -ww -z` without a single warning', () => {
    const r = spawnSync('groff', ['-man', '-ww', '-z', MAN], { encoding: 'utf8', timeout: 20_000 });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      assert.fail('groff is not installed: install the groff-base package (Debian) to check the manual page');
    }
    assert.equal(r.status, 0, `groff exited with ${r.status}: ${r.stderr}`);
    assert.equal(`${r.stdout}${r.stderr}`, '', 'groff printed warnings');
  });
});
