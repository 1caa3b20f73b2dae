/**
 * BoringSSL's client defaults and the shim's flags mapped onto the library's ContextOptions
 * (test_config.cc SetupCtx/NewSSL). The defaults here are the shim's only: the library and the CLI
 * keep theirs.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import {
  AlertDescription,
  CIPHER_SUITES,
  TlsAlert,
  groupById,
  sigSchemeById,
  suiteById,
  suiteByName,
  type ContextOverrides,
} from '../../src/index.js';
import { Unimplemented, type ShimConfig } from './flags.js';

/** BoringSSL's TLS 1.3 suites with AES hardware (ssl_cipher.cc: AES-GCM first). */
const BSSL_TLS13 = [0x1301, 0x1302, 0x1303];

/**
 * BoringSSL's "ALL:TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" in preference order (ssl_cipher.cc
 * kCipherAliases/ssl_create_cipher_list with AES hardware), PSK suites left out (offered only with
 * -psk). 3DES is off unless a cipher string names it ("BoringSSL disables 3DES by default", runner.go).
 */
export const BSSL_TLS12 = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0xc027, 0x009c, 0x009d, 0x002f,
  0x0035,
];
const TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000a;

/** The cipher-string aliases the runner uses (ssl_cipher.cc kCipherAliases), as suite predicates. */
const ALIASES: Record<string, (id: number) => boolean> = {
  ALL: (id) => BSSL_TLS12.includes(id),
  DEFAULT: (id) => BSSL_TLS12.includes(id),
  '3DES': (id) => id === TLS_RSA_WITH_3DES_EDE_CBC_SHA,
  AES: (id) => suiteById(id)?.iana.includes('_AES_') ?? false,
};

/**
 * A BoringSSL cipher string (ssl_create_cipher_list) over the TLS 1.2 suites: aliases and suite names
 * add in order, `!X` and `-X` remove. Returns the suites asked for, some perhaps not in the library
 * (3DES); an element this parser does not know is unimplemented.
 */
export function cipherString(str: string): number[] {
  let ids: number[] = [];
  const universe = [...BSSL_TLS12, TLS_RSA_WITH_3DES_EDE_CBC_SHA];
  for (const tok of str.split(/[:, ]/).filter(Boolean)) {
    const neg = tok.startsWith('!') || tok.startsWith('-');
    const name = neg ? tok.slice(1) : tok;
    const named = suiteByName(name)?.id;
    const alias = ALIASES[name];
    const match = alias ? universe.filter(alias) : named !== undefined ? [named] : undefined;
    if (!match) throw new Unimplemented(`cipher string element ${tok}`);
    ids = neg ? ids.filter((id) => !match.includes(id)) : [...ids, ...match.filter((id) => !ids.includes(id))];
  }
  return ids;
}

/** The PSK and ECDHE_PSK suites the library implements (offered only with -psk). */
const PSK_IDS = CIPHER_SUITES.filter((s) => s.kx === 'PSK' || s.kx === 'ECDHE_PSK').map((s) => s.id);

/** BoringSSL's client verify preferences (ssl_privkey.cc kVerifySignatureAlgorithms). */
const BSSL_VERIFY_PREFS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201];

/** BoringSSL's default groups (ssl_key_share.cc kDefaultGroups): X25519, P-256, P-384. */
const BSSL_GROUPS = [0x001d, 0x0017, 0x0018];

type Version = 0x0301 | 0x0302 | 0x0303 | 0x0304;
const isSupportedVersion = (v: number): v is Version => v >= 0x0301 && v <= 0x0304;

/** The protocol versions BoringSSL's client would allow with these flags (ssl_versions.cc). */
export function versionRange(c: ShimConfig): { min: number; max: number } {
  // BoringSSL 88a537fe: TLS 1.0 is the default minimum, TLS 1.3 the maximum.
  let min = c.int('-min-version', 0x0301) || 0x0301;
  let max = c.int('-max-version', 0x0304) || 0x0304;
  const off = new Set<number>();
  if (c.bool('-no-tls1')) off.add(0x0301);
  if (c.bool('-no-tls11')) off.add(0x0302);
  if (c.bool('-no-tls12')) off.add(0x0303);
  if (c.bool('-no-tls13')) off.add(0x0304);
  // SSL_OP_NO_* cut the range at the first hole from the bottom (ssl_get_version_range).
  while (min <= max && off.has(min)) min++;
  for (let v = min; v <= max; v++)
    if (off.has(v)) {
      max = v - 1;
      break;
    }
  return { min, max };
}

/** Loads a PEM chain (leaf first) as DER. */
export function loadChain(file: string): Uint8Array[] {
  const pem = readFileSync(file, 'latin1');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new Uint8Array(new X509Certificate(b).raw));
}

/**
 * BoringSSL's SSL_SIGN_RSA_PKCS1_MD5_SHA1 (0xff01): an internal value for the TLS 1.0/1.1 RSA
 * signature, never negotiated in TLS 1.2+; in a preference list it only drops out (ssl_privkey.cc).
 */
const RSA_PKCS1_MD5_SHA1 = 0xff01;

/** Groups the runner knows and the project decided not to build (config.json DisabledTests says why). */
const DECLINED_GROUPS: Record<number, string> = {
  0x0015: ' (secp224r1): P-224 not to be built, BoringSSL keeps it off by default',
  0x6399: ' (X25519Kyber768Draft00): superseded by X25519MLKEM768, unknown to this runner revision',
};

/** X509_V_ERR_APPLICATION_VERIFICATION (x509_vfy.h). */
const X509_V_ERR_APPLICATION_VERIFICATION = 50;

/** The Context options for one connection of the shim. */
/** What the verify callback consults at run time: the 0-RTT retry configuration, once early data is rejected. */
export interface VerifyHooks {
  retry?: ShimConfig;
  earlyRejected?: () => boolean;
}

export function contextOptions(
  c: ShimConfig,
  now: () => number,
  hooks: { verifyProblem?: string },
  verify: VerifyHooks = {},
): ContextOverrides {
  const { min, max } = versionRange(c);
  if (min > max) throw new Unimplemented('no version enabled');
  if (!isSupportedVersion(min) || !isSupportedVersion(max))
    throw new Unimplemented(`version range ${min.toString(16)}-${max.toString(16)}`);
  const o: ContextOverrides = {
    minVersion: min,
    maxVersion: max,
    cipherSuites13: BSSL_TLS13.filter((id) => suiteById(id)),
    cipherSuites12: BSSL_TLS12.filter((id) => suiteById(id)?.version === 0x0303),
    signatureAlgorithms: BSSL_VERIFY_PREFS,
    verifyPeer: false,
    verifyFailIsFatal: false,
    // BoringSSL offers certificate compression only with SSL_CTX_add_cert_compression_alg.
    certCompression: [],
    now,
  };
  if (c.has('-cipher')) o.cipherSuites12 = cipherString(c.str('-cipher')).filter((id) => suiteById(id));
  // SSL_set_psk_client_callback (test_config.cc PskClientCallback): -psk is the key's bytes as given,
  // -psk-identity the identity (default empty); BoringSSL then enables the PSK suites, after the others.
  if (c.has('-psk')) {
    o.psk = { identity: c.str('-psk-identity'), key: new Uint8Array(Buffer.from(c.str('-psk'), 'latin1')) };
    if (!c.has('-cipher')) o.cipherSuites12 = [...(o.cipherSuites12 ?? []), ...PSK_IDS];
  }
  const groups = c.ints('-curves');
  const groupIds = groups.length ? groups : BSSL_GROUPS;
  const names = groupIds.map((id) => {
    const g = groupById(id);
    if (!g) throw new Unimplemented(`group ${id.toString(16)}${DECLINED_GROUPS[id] ?? ''}`);
    return g.name;
  });
  o.groups = names;
  // ssl_setup_key_shares: a key share for the first group only.
  o.keyShareGroups = names.slice(0, 1);
  const vp = c.ints('-verify-prefs').filter((id) => id !== RSA_PKCS1_MD5_SHA1);
  if (vp.length) {
    for (const id of vp) if (!sigSchemeById(id)) throw new Unimplemented(`signature scheme ${id.toString(16)}`);
    o.signatureAlgorithms = vp;
  }
  if (c.has('-advertise-alpn')) o.alpn = parseAlpnWire(c.str('-advertise-alpn'));
  if (c.bool('-allow-unknown-alpn-protos')) o.allowUnknownAlpn = true;
  if (c.bool('-fallback-scsv')) o.fallbackScsv = true;
  if (c.bool('-enable-grease')) o.grease = true;
  if (c.bool('-permute-extensions')) o.permuteExtensions = true;
  if (c.has('-max-cert-list')) o.maxCertList = c.int('-max-cert-list');
  // test_config.cc CertVerifyCallback (SSL_CTX_set_cert_verify_callback) replaces chain verification:
  // it accepts any chain, or fails with X509_V_ERR_APPLICATION_VERIFICATION under -verify-fail. It
  // runs on every full handshake whatever the verify mode; a failure is fatal only under -verify-peer.
  // CheckVerifyCallback: with -expect-ocsp-response the stapled response must be known by then.
  // -use-custom-verify-callback (SSL_set_custom_verify, CustomVerifyCallback): ssl_verify_invalid
  // under SSL_VERIFY_PEER aborts with certificate_unknown, BoringSSL's default out_alert.
  const custom = (k: ShimConfig) => k.bool('-use-custom-verify-callback') && k.bool('-verify-peer');
  // The client's legacy OCSP callback (SSL_CTX_set_tlsext_status_cb, LegacyOCSPCallback) is a further
  // check whose failure is fatal in any verify mode (bad_certificate_status_response, OCSP_CB_ERROR).
  const ocspFail = c.bool('-use-ocsp-callback') && c.bool('-fail-ocsp-callback');
  o.verifyCallback = (v) => {
    if (c.has('-expect-ocsp-response') && !v.ocspResponse?.length)
      hooks.verifyProblem ??= 'OCSP response not available in verify callback.';
    if (ocspFail) throw new TlsAlert(AlertDescription.bad_certificate_status_response, 'OCSP callback failed');
    const k = verify.retry && verify.earlyRejected?.() ? verify.retry : c;
    if (!k.bool('-verify-fail')) return 0;
    if (custom(k)) throw new TlsAlert(AlertDescription.certificate_unknown, 'custom verify callback failed');
    return X509_V_ERR_APPLICATION_VERIFICATION;
  };
  // SSL_CTX_set_reverify_on_resume: the callback runs on resumptions too.
  if (c.bool('-reverify-on-resume')) o.reverifyOnResume = true;
  if (c.bool('-verify-peer')) {
    o.verifyPeer = true;
    o.verifyFailIsFatal = true;
  }
  if (c.has('-cert-file') && c.has('-key-file')) {
    const key = createPrivateKey(readFileSync(c.str('-key-file')));
    o.clientCertificate = {
      chain: loadChain(c.str('-cert-file')),
      key: new Uint8Array(key.export({ format: 'der', type: 'pkcs8' })),
    };
  }
  // SSL_enable_ocsp_stapling. (-ocsp-response and -signed-cert-timestamps set what a server staples;
  // a client never sends them, BoGo SendNoClientCertificateExtensions-TLS13.)
  if (c.bool('-enable-ocsp-stapling')) o.statusRequest = true;
  // SSL_enable_signed_cert_timestamps.
  if (c.bool('-enable-signed-cert-timestamps')) o.signedCertificateTimestamps = true;
  if (c.has('-max-send-fragment')) o.maxSendFragment = c.int('-max-send-fragment');
  // SSL_set_enforce_rsa_key_usage(ssl, 0): an RSA leaf's keyUsage is only reported in TLS 1.0-1.2.
  if (c.bool('-ignore-rsa-key-usage')) o.ignoreRsaKeyUsage = true;
  renegotiation(c, o);
  signingPrefs(c, o);
  echOptions(c, o);
  return o;
}

/**
 * BoringSSL's renegotiation mode (SSL_set_renegotiate_mode; ssl_renegotiate_never by default) and
 * its unconditional renegotiation with servers without renegotiation_info (ext_ri_parse_serverhello
 * accepts it; Renegotiate-Client-NoExt-Allowed). -forbid-renegotiation-after-handshake sets never
 * once the handshake is done, which is when the library consults the mode.
 */
function renegotiation(c: ShimConfig, o: ContextOverrides): void {
  o.renegotiation = c.bool('-renegotiate-freely')
    ? 'freely'
    : c.bool('-renegotiate-once')
      ? 'once'
      : c.bool('-renegotiate-ignore')
        ? 'ignore'
        : c.bool('-renegotiate-explicit')
          ? 'explicit'
          : 'never';
  if (c.bool('-forbid-renegotiation-after-handshake')) o.renegotiation = 'never';
  o.allowUnsafeLegacyRenegotiation = true;
}

// [bogo-b, F6] The client certificate's signing list, apart from the verify list.
/** BoringSSL's default signing list (ssl_privkey.cc kSignSignatureAlgorithms): any scheme of the key. */
const BSSL_SIGN_PREFS = [
  0x0807, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0603, 0x0806, 0x0601, 0x0203, 0x0201,
];

/** -signing-prefs (SSL_set_signing_algorithm_prefs), else BoringSSL's default signing list. */
function signingPrefs(c: ShimConfig, o: ContextOverrides): void {
  const sp = c.ints('-signing-prefs').filter((id) => id !== RSA_PKCS1_MD5_SHA1);
  for (const id of sp) if (!sigSchemeById(id)) throw new Unimplemented(`signature scheme ${id.toString(16)}`);
  o.signingAlgorithms = sp.length ? sp : BSSL_SIGN_PREFS.filter((id) => sigSchemeById(id));
}

/** ALPN protocol list in wire form (u8-length-prefixed names) to strings. */
function parseAlpnWire(wire: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < wire.length;) {
    const n = wire.charCodeAt(i);
    out.push(wire.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

// [ech] SSL_set1_ech_config_list and SSL_set_enable_ech_grease (test_config.cc NewSSL).
function echOptions(c: ShimConfig, o: ContextOverrides): void {
  const list = c.has('-ech-config-list') ? Buffer.from(c.bytes('-ech-config-list'), 'latin1') : undefined;
  const grease = c.bool('-enable-ech-grease');
  if (!list && !grease) return;
  o.ech = { ...(list ? { configList: new Uint8Array(list) } : {}), grease };
}
