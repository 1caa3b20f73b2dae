/**
 * The ECH flags' usage errors (spec/cli.md: exit 2, one `tls-probe:` line, nothing sent): a value
 * that is no ECHConfigList, a file that holds none, --ech-outer-sni without a config or with a bad
 * name, --ech-grease with a config, ECH with TLS 1.3 not offered; and s_client 4.0's spellings.
 * The target is a listener that records whether anyone connected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from '../helpers/cli.js';
import { encodeEchConfig, encodeEchConfigList, echConfigListToBase64 } from '../../src/tls/ech/config.js';

const b64 = echConfigListToBase64(
  encodeEchConfigList([
    encodeEchConfig({
      configId: 1,
      kemId: 0x20,
      publicKey: new Uint8Array(32).fill(9),
      cipherSuites: [{ kdfId: 1, aeadId: 1 }],
      maximumNameLength: 0,
      publicName: 'public.example',
      extensions: [],
    }),
  ]),
);

test('ECH flags: bad values and combinations are exit 2 with one line, before any connection', async () => {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-ech-cli-'));
  const junk = join(dir, 'junk.pem');
  writeFileSync(junk, '-----BEGIN ECHCONFIG-----\nAAAA\n-----END ECHCONFIG-----\n');
  try {
    for (const [args, message] of [
      [['--ech-config-list', 'not base64!'], /--ech-config-list: the value is no valid ECHConfigList/],
      [['--ech-config-list', junk], /--ech-config-list: .*junk\.pem holds no valid ECHConfigList/],
      [['--ech-outer-sni', 'outer.example'], /--ech-outer-sni needs --ech-config-list/],
      [['--ech-config-list', b64, '--ech-outer-sni', 'bad name'], /--ech-outer-sni 'bad name' is not a valid DNS name/],
      [['--ech-config-list', b64, '--ech-grease'], /--ech-grease and --ech-config-list exclude each other/],
      [['--ech-config-list', b64, '--tls1_2'], /ECH needs TLS 1\.3/],
      [['--ech-grease', '--max-tls', '1.2'], /ECH needs TLS 1\.3/],
    ] as const) {
      const r = await probe(null, [`127.0.0.1:${port}`, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^tls-probe: /);
    }
    assert.equal(connections, 0);
  } finally {
    server.close();
  }
});

test("s_client 4.0's -ech_config_list / -ech_outer_sni / -ech_grease spellings reach the same checks", async () => {
  const r = await probe(null, ['-connect', '127.0.0.1:1', '-ech_outer_sni', 'x.example']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--ech-outer-sni needs --ech-config-list/);
  const g = await probe(null, ['-connect', '127.0.0.1:1', '-ech_grease', '-ech_config_list', b64]);
  assert.equal(g.code, 2);
  assert.match(g.stderr, /--ech-grease and --ech-config-list exclude each other/);
});
