/**
 * Hostile ECH servers (RFC 9849; issue 16 item 5), in the shape of hostile-server.ts's catalogue,
 * run in memory by test/unit/hostile-2026.test.ts and through the CLI by
 * test/cli/hostile-2026-cli.test.ts. The in-memory server opens ClientHelloOuter with its key
 * (tls-server-ech.ts). A server that uses the inner hello but gets the confirmation wrong leaves
 * the client on the outer transcript: its keys differ, the first encrypted record fails
 * (bad_record_mac, sealed under keys the server does not have). Retry configs that do not parse
 * are decode_error (§6.1.6), also under GREASE (§6.2); retry configs after acceptance are
 * unsupported_extension (§5). A plain rejection completes and ends in ech_required (§6.1.6).
 */
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { testEchKey, type ServerEch } from './tls-server-ech.js';
import type { HostileCase } from './hostile-server.js';

let key: ServerEch['key'] & {};
/** The catalogue's ECH key (public name localhost, which the test leaf is valid for), made on first use. */
export function hostileEchKey(): { configList: Uint8Array; privateKey: Uint8Array } {
  key ??= testEchKey(nodeProvider, 'localhost');
  return key;
}

/** Retry configs that do not parse: a list length that overruns. */
const JUNK_RETRY = Uint8Array.of(0x00, 0x40, 0xfe, 0x0d, 0x00, 0x01, 0x02);

const offer = () => ({ ech: { configList: hostileEchKey().configList } });

export const CASES_ECH: HostileCase[] = [
  {
    id: 'ech-accepted',
    title: 'ECH accepted with the right confirmation (control)',
    expect: null,
    ref: 'RFC 9849 §7.2',
    setup: () => ({ server: { ech: { key: hostileEchKey() } }, client: offer() }),
  },
  {
    id: 'ech-wrong-confirmation',
    title: 'server uses ClientHelloInner but its ServerHello confirmation is wrong',
    expect: 'bad_record_mac',
    ref: 'RFC 9849 §6.1.4, §7.2: no confirmation is a rejection; the transcripts then differ',
    serverCannotRead: true,
    setup: () => ({ server: { ech: { key: hostileEchKey(), wrongConfirmation: true } }, client: offer() }),
  },
  {
    id: 'ech-retry-garbage',
    title: 'ECH rejected with retry configs that do not parse',
    expect: 'decode_error',
    ref: 'RFC 9849 §6.1.6',
    setup: () => ({ server: { ech: { retryConfigs: JUNK_RETRY } }, client: offer() }),
  },
  {
    id: 'ech-grease-retry-garbage',
    title: 'GREASE ECH answered with retry configs that do not parse',
    expect: 'decode_error',
    ref: 'RFC 9849 §6.2',
    setup: () => ({ server: { ech: { retryConfigs: JUNK_RETRY } }, client: { ech: { grease: true } } }),
  },
  {
    id: 'ech-retry-after-accept',
    title: 'ECH accepted, and retry configs in EncryptedExtensions all the same',
    expect: 'unsupported_extension',
    ref: 'RFC 9849 §5 (retry_configs only when ClientHelloOuter was used)',
    setup: () => ({
      server: { ech: { key: hostileEchKey(), retryConfigs: hostileEchKey().configList, alwaysRetry: true } },
      client: offer(),
    }),
  },
  {
    id: 'ech-rejected',
    title: 'ECH rejected (a server without the key) with valid retry configs',
    expect: 'ech_required',
    ref: 'RFC 9849 §6.1.6: complete, verified for the public name, then ech_required',
    setup: () => ({ server: { ech: { retryConfigs: hostileEchKey().configList } }, client: offer() }),
  },
];
