/**
 * The Connection group's protocol flags: versions, groups, suites, signature algorithms, security
 * level, certificate compression, the legacy-server switch and the TLS 1.2 PSK (their values are checked in
 * options.ts's validate and option-values.ts).
 */
import { Option, type Command } from 'commander';
import { addPskOptions } from './options-psk.js';

export { validatePskOptions } from './options-psk.js';

/** Declares the protocol flags on the program, in the order --help lists them. */
export function addProtocolOptions(p: Command): void {
  p.addOption(
    new Option('--tls1', 'TLS 1.0 only (never offered otherwise)').conflicts([
      'tls1_1',
      'tls1_2',
      'tls1_3',
      'minTls',
      'maxTls',
    ]),
  );
  p.addOption(
    new Option('--tls1_1', 'TLS 1.1 only (never offered otherwise)').conflicts([
      'tls1_2',
      'tls1_3',
      'minTls',
      'maxTls',
    ]),
  );
  p.addOption(new Option('--tls1_2', 'TLS 1.2 only').conflicts(['tls1_3', 'minTls', 'maxTls']));
  p.addOption(new Option('--tls1_3', 'TLS 1.3 only').conflicts(['minTls', 'maxTls']));
  p.option('--min-tls <version>', 'lowest version to offer: 1.0, 1.1, 1.2 or 1.3 (default 1.2)');
  p.option('--max-tls <version>', 'highest version to offer: 1.0, 1.1, 1.2 or 1.3 (default 1.3)');
  p.option(
    '--no-legacy-server-connect',
    'refuse TLS 1.0-1.2 servers without renegotiation_info (RFC 5746), as OpenSSL 3.0 does by default',
  );
  p.option(
    '--no-renegotiation',
    'refuse server-initiated TLS 1.2 renegotiation (no_renegotiation alert); default: accept up to 8 per connection',
  );
  p.option(
    '--legacy-renegotiation',
    'also renegotiate with servers without renegotiation_info (insecure, RFC 5746 §4.2); default: refuse',
  );
  p.option(
    '--cert-compression <list>',
    'RFC 8879 certificate compression to offer (TLS 1.3): zlib, brotli, zstd (default: all)',
  );
  p.option('--no-cert-compression', 'offer no certificate compression');
  p.option(
    '--groups <list>',
    'key-exchange groups in preference order: X25519MLKEM768, x25519, P-256, P-384, P-521, SecP256r1MLKEM768, SecP384r1MLKEM1024, MLKEM768, MLKEM1024',
  );
  p.option('--ciphersuites <list>', 'TLS 1.3 suites, e.g. TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256');
  p.option(
    '--cipher <list>',
    'TLS 1.2 suites (OpenSSL names), e.g. ECDHE-ECDSA-AES128-GCM-SHA256; DEFAULT and @SECLEVEL=n as in OpenSSL',
  );
  p.option('--seclevel <n>', 'OpenSSL security level 0-5 (default 2): DH group and certificate key floors');
  p.option(
    '--sigalgs <list>',
    'signature algorithms to offer, e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:ed25519',
  );
  addPskOptions(p);
}
