/**
 * Loads the optional native AEAD binding (native/aead.c, built by scripts/build-native.mjs) for
 * the node provider. Loading a shared object is I/O, so it happens here and not in the sans-IO
 * core. Absent (no compiler at install, a single executable, TLS_PROBE_NATIVE_AEAD=0) or broken
 * (it fails its known answer), node:crypto seals and opens records as before: the same OpenSSL,
 * one cipher object per record.
 */
import { fileURLToPath } from 'node:url';
import type { NativeAeadBinding } from '../tls/crypto/native-aead.js';

/**
 * Where node-gyp puts the binding; scripts/bundle.mjs rewrites the URL for the CommonJS bundle.
 * Worked out at the first load, not at import: a single executable's snapshot has no __dirname.
 */
function addonPath(): string {
  return fileURLToPath(new URL('../../native/build/Release/tls_probe_aead.node', import.meta.url));
}

/** The environment switch that turns the binding off (the bench compares both). */
export const NATIVE_AEAD_ENV = 'TLS_PROBE_NATIVE_AEAD';

/**
 * NIST's GCM test case 2 (AES-128, zero key and IV, one zero block): the binding must give its
 * ciphertext and tag before it is used for anything.
 */
const KAT_SEALED = '0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf';

function knownAnswer(b: NativeAeadBinding): boolean {
  const h = b.create(0, new Uint8Array(16));
  const out = new Uint8Array(32);
  b.seal(h, new Uint8Array(12), new Uint8Array(0), [new Uint8Array(16)], out, 0);
  return Buffer.from(out).toString('hex') === KAT_SEALED;
}

let loaded: NativeAeadBinding | null | undefined;

/** The binding, loaded once; undefined when it is switched off, not built or not working. */
export function nativeAeadBinding(): NativeAeadBinding | undefined {
  if (loaded === undefined) {
    loaded = null;
    if (process.env[NATIVE_AEAD_ENV] !== '0') {
      try {
        const m = { exports: {} as NativeAeadBinding };
        process.dlopen(m, addonPath());
        if (knownAnswer(m.exports)) loaded = m.exports;
      } catch {
        // Not built, or built for another Node: node:crypto it is.
      }
    }
  }
  return loaded ?? undefined;
}
