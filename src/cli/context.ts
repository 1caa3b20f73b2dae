/** Context options from the command line: trust store, versions, lists, modes, client cert. */
import type { CliOptions } from './options.js';
import { getProvider } from '../net/providers.js';
import type { ContextOptions } from '../tls/types.js';
import { loadCaFile, loadCaPath, platformRoots } from './truststore.js';
import { loadClientCertificate } from './clientcert.js';
import { systemClock } from '../net/clock.js';
import { loadCrlFile } from './crls.js';

/**
 * Server-initiated renegotiations the CLI accepts per connection. s_client accepts every secure
 * one; a probe's session is short, and a server asking more often than this is looping (each
 * renegotiation is a full handshake), so the next HelloRequest is refused with no_renegotiation.
 */
export const CLI_MAX_RENEGOTIATIONS = 8;

/** The Context overrides that the flags ask for (the provider loaded lazily). */
export async function contextOptions(
  opts: CliOptions,
): Promise<Partial<ContextOptions> & Pick<ContextOptions, 'provider' | 'now'>> {
  const provider = await getProvider(opts.crypto);
  const trustAnchors =
    opts.cafile || opts.capath
      ? [...(opts.cafile ? loadCaFile(opts.cafile) : []), ...(opts.capath ? loadCaPath(opts.capath) : [])]
      : platformRoots();
  const o: Partial<ContextOptions> & Pick<ContextOptions, 'provider' | 'now'> = {
    provider,
    now: systemClock,
    trustAnchors,
    minVersion: opts.minVersion,
    maxVersion: opts.maxVersion,
    alpn: opts.alpn,
    verifyFailIsFatal: !opts.insecure,
    // --insecure also lets an RSA leaf through whose keyUsage forbids its TLS 1.0-1.2 use (as
    // OpenSSL's s_client does; reported), never in TLS 1.3 (BoringSSL ssl_cert_check_key_usage).
    ignoreRsaKeyUsage: opts.insecure,
    statusRequest: opts.status,
    mode: opts.mode,
    maxSendFragment: opts.maxSendFragment,
    maxFragmentLength: opts.maxFragmentLengthCode,
    legacyServerConnect: opts.legacyServerConnect,
    renegotiation: opts.renegotiation ? 'freely' : 'never',
    maxRenegotiations: CLI_MAX_RENEGOTIATIONS,
    allowUnsafeLegacyRenegotiation: opts.legacyRenegotiation,
  };
  if (opts.groups) {
    o.groups = opts.groups;
    // As OpenSSL: with an explicit list, a key share for the first group only (others via HRR).
    o.keyShareGroups = opts.groups.slice(0, 1);
  }
  if (opts.echConfigList || opts.echGrease) {
    o.ech = {
      ...(opts.echConfigList ? { configList: opts.echConfigList } : {}),
      ...(opts.echOuterSni !== null ? { outerServerName: opts.echOuterSni } : {}),
      grease: opts.echGrease,
    };
  }
  if (opts.certCompression) o.certCompression = opts.certCompression;
  if (opts.ciphersuites) o.cipherSuites13 = opts.ciphersuites;
  if (opts.cipher) o.cipherSuites12 = opts.cipher;
  if (opts.securityLevel !== null) o.securityLevel = opts.securityLevel;
  if (opts.sigalgs) o.signatureAlgorithms = opts.sigalgs;
  if (opts.cert && opts.key) o.clientCertificate = loadClientCertificate(opts.cert, opts.key);
  if (opts.enablePha) o.postHandshakeAuth = true;
  if (opts.psk) o.psk = opts.psk;
  if (opts.x509Strict || opts.crl.length > 0 || opts.crlCheck !== 'none') {
    o.verifyOptions = {
      profile: opts.x509Strict ? 'strict' : 'default',
      crls: opts.crl.flatMap(loadCrlFile),
      crlCheck: opts.crlCheck,
    };
  }
  return o;
}
