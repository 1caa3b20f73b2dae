/**
 * The BoGo shim's command line (test/bogo/flags.ts, options.ts): BoringSSL's ParseConfig prefix
 * rules, its version-range rules and the shim-only defaults. The runner itself is `npm run bogo`;
 * this needs neither Go nor the runner's sources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { firstUnimplemented, parseArgs, Unimplemented } from '../bogo/flags.js';
import { contextOptions, versionRange } from '../bogo/options.js';

const config = JSON.parse(readFileSync(new URL('../bogo/config.json', import.meta.url), 'utf8')) as {
  DisabledTests: Record<string, string>;
  UnimplementedFlags: Record<string, string>;
  ExpectedFailures: Record<string, string>;
};

test('unprefixed flags go to every configuration, -on-resume- only to the resumption', () => {
  const a = parseArgs(['-port', '4433', '-on-resume-expect-session-miss', '-curves', '29', '-curves', '23']);
  assert.equal(a.initial.int('-port'), 4433);
  assert.equal(a.resume.int('-port'), 4433);
  assert.equal(a.initial.bool('-expect-session-miss'), false);
  assert.equal(a.resume.bool('-expect-session-miss'), true);
  assert.deepEqual(a.initial.ints('-curves'), [29, 23]);
});

test('-on-handshaker- flags are parsed but not applied to the shim', () => {
  const a = parseArgs(['-on-handshaker-expect-session-miss', '-on-shim-shim-writes-first']);
  assert.equal(a.initial.bool('-expect-session-miss'), false);
  assert.equal(a.initial.bool('-shim-writes-first'), true);
});

test('an unknown flag, a missing parameter or a non-numeric integer is unimplemented (89)', () => {
  assert.throws(() => parseArgs(['-no-such-flag']), Unimplemented);
  assert.throws(() => parseArgs(['-port']), Unimplemented);
  assert.throws(() => parseArgs(['-port', 'x']), Unimplemented);
});

test('flags in config.json UnimplementedFlags are reported with their reason', () => {
  const why = firstUnimplemented(parseArgs(['-on-resume-false-start']), config.UnimplementedFlags);
  assert.match(why ?? '', /^-false-start: .+/);
  // Implemented since issue 18 and BoGo's library accessors: early data, the exporters, tls-unique.
  for (const flag of ['-enable-early-data', '-export-keying-material', '-export-traffic-secrets', '-tls-unique'])
    assert.equal(config.UnimplementedFlags[flag], undefined, flag);
  assert.equal(firstUnimplemented(parseArgs(['-async', '-shim-writes-first']), config.UnimplementedFlags), undefined);
});

test('every disabled pattern, unimplemented flag and expected failure carries a reason', () => {
  for (const table of [config.DisabledTests, config.UnimplementedFlags, config.ExpectedFailures]) {
    for (const [k, v] of Object.entries(table)) assert.ok(v.trim().length > 10, `no reason for ${k}`);
  }
});

test("BoringSSL's version range: TLS 1.0 minimum, SSL_OP_NO_* cut at the first hole", () => {
  assert.deepEqual(versionRange(parseArgs([]).initial), { min: 0x0301, max: 0x0304 });
  assert.deepEqual(versionRange(parseArgs(['-no-tls1', '-no-tls11']).initial), { min: 0x0303, max: 0x0304 });
  assert.deepEqual(versionRange(parseArgs(['-no-tls12']).initial), { min: 0x0301, max: 0x0302 });
  assert.deepEqual(versionRange(parseArgs(['-max-version', '771']).initial), { min: 0x0301, max: 0x0303 });
});

test("shim defaults: BoringSSL's TLS 1.0-1.3, no verification, one key share for the first group", () => {
  const o = contextOptions(parseArgs(['-curves', '23', '-curves', '29']).initial, () => 0, {});
  assert.equal(o.minVersion, 0x0301);
  assert.equal(o.maxVersion, 0x0304);
  assert.equal(o.verifyPeer, false);
  assert.deepEqual(o.groups, ['secp256r1', 'x25519']);
  assert.deepEqual(o.keyShareGroups, ['secp256r1']);
  assert.equal(contextOptions(parseArgs(['-max-version', '770']).initial, () => 0, {}).maxVersion, 0x0302);
  assert.throws(
    () => contextOptions(parseArgs(['-min-version', '772', '-max-version', '771']).initial, () => 0, {}),
    Unimplemented,
  );
});

test('the verify callback: accepts any chain, fails with X509_V_ERR_APPLICATION_VERIFICATION under -verify-fail', () => {
  const input = { chain: [], code: 20, ocspResponse: undefined, resumed: false };
  const pass = contextOptions(parseArgs(['-verify-peer']).initial, () => 0, {});
  assert.equal(pass.verifyPeer, true);
  assert.equal(pass.verifyCallback?.(input), 0);
  const hooks = {};
  const fail = contextOptions(parseArgs(['-verify-fail', '-expect-ocsp-response', 'AQI=']).initial, () => 0, hooks);
  assert.equal(fail.verifyCallback?.(input), 50);
  assert.deepEqual(hooks, { verifyProblem: 'OCSP response not available in verify callback.' });
});
