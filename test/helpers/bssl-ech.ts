/**
 * ECH keys for `bssl-tool server -ech-key -ech-config` (Debian android-boringssl), made with
 * `bssl-tool generate-ech`: the raw ECHConfigList (what --ech-config-list reads), the single
 * ECHConfig and the raw X25519 private key, as files in `dir`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface BsslEchFiles {
  list: string;
  config: string;
  key: string;
}

export function bsslEchKey(
  dir: string,
  name: string,
  o: { configId: number; publicName: string; maxNameLength?: number },
): BsslEchFiles {
  const f = { list: join(dir, `${name}.list`), config: join(dir, `${name}.cfg`), key: join(dir, `${name}.key`) };
  const out = ['-out-ech-config-list', f.list, '-out-ech-config', f.config, '-out-private-key', f.key];
  const max = o.maxNameLength === undefined ? [] : ['-max-name-length', String(o.maxNameLength)];
  execFileSync('bssl-tool', [
    'generate-ech',
    ...out,
    '-public-name',
    o.publicName,
    '-config-id',
    String(o.configId),
    ...max,
  ]);
  return f;
}
