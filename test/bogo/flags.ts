/**
 * The BoGo shim's command line: BoringSSL's ssl/test/test_config.cc flags (revision 88a537fe), their
 * kinds, the -on-initial-/-on-resume-/-on-retry- prefixes (ParseConfig), and which flags this shim
 * leaves unimplemented (exit 89, PORTING.md "Unimplemented Features").
 */

/** How a flag takes its parameter (test_config.cc BoolFlag, IntFlag, StringFlag, ...). */
type Kind = 'bool' | 'int' | 'string' | 'base64' | 'intvec' | 'b64vec' | 'pairvec';

const KINDS: Record<Kind, string> = {
  bool:
    '-ipv6 -server -dtls -quic -fallback-scsv -enable-ech-grease -expect-ech-accept -expect-no-ech-name-override ' +
    '-expect-no-ech-retry-configs -require-any-client-certificate -false-start -async -write-different-record-sizes ' +
    '-cbc-record-splitting -partial-write -no-tls13 -no-tls12 -no-tls11 -no-tls1 -no-ticket -enable-channel-id ' +
    '-shim-writes-first -decline-alpn -reject-alpn -select-empty-alpn -defer-alps -alps-use-new-codepoint ' +
    '-expect-session-miss -expect-extended-master-secret -enable-ocsp-stapling -enable-signed-cert-timestamps ' +
    '-implicit-handshake -use-early-callback -fail-early-callback -install-ddos-callback -fail-ddos-callback ' +
    '-fail-cert-callback -handshake-never-done -use-export-context -tls-unique -expect-ticket-renewal ' +
    '-expect-no-session -expect-ticket-supports-early-data -expect-accept-early-data -expect-reject-early-data ' +
    '-expect-no-offer-early-data -use-ticket-callback -renew-ticket -enable-early-data -check-close-notify ' +
    '-shim-shuts-down -verify-fail -verify-peer -verify-peer-if-no-obc -expect-verify-result -renegotiate-once ' +
    '-renegotiate-freely -renegotiate-ignore -renegotiate-explicit -forbid-renegotiation-after-handshake ' +
    '-use-old-client-cert-callback -send-alert -peek-then-read -enable-grease -permute-extensions ' +
    '-use-exporter-between-reads -retain-only-sha256-client-cert -expect-sha256-client-cert ' +
    '-read-with-unfinished-write -expect-secure-renegotiation -expect-no-secure-renegotiation -expect-session-id ' +
    '-expect-no-session-id -no-op-extra-handshake -handshake-twice -allow-unknown-alpn-protos ' +
    '-use-custom-verify-callback -allow-false-start-without-alpn -handoff -handshake-hints -allow-hint-mismatch ' +
    '-use-ocsp-callback -set-ocsp-in-callback -decline-ocsp-callback -fail-ocsp-callback ' +
    '-install-cert-compression-algs -reverify-on-resume -ignore-rsa-key-usage -expect-key-usage-invalid ' +
    '-is-handshaker-supported -handshaker-resume -jdk11-workaround -server-preference -export-traffic-secrets ' +
    '-key-update -expect-delegated-credential-used -expect-hrr -expect-no-hrr -wait-for-debugger -fips-202205 ' +
    '-wpa-202304',
  int:
    '-port -shim-id -resume-count -min-version -max-version -expect-version -mtu -export-keying-material ' +
    '-expect-total-renegotiations -expect-peer-signature-algorithm -expect-curve-id -initial-timeout-duration-ms ' +
    '-max-cert-list -expect-cipher-aes -expect-cipher-no-aes -expect-cipher -resumption-delay -max-send-fragment ' +
    '-read-size -expect-ticket-age-skew -install-one-cert-compression-alg -quic-use-legacy-codepoint ' +
    '-early-write-after-message',
  string:
    '-write-settings -key-file -cert-file -trust-cert -expect-server-name -expect-ech-name-override -advertise-npn ' +
    '-expect-next-proto -select-next-proto -send-channel-id -host-name -advertise-alpn -expect-alpn ' +
    '-expect-late-alpn -expect-advertised-alpn -select-alpn -psk -psk-identity -srtp-profiles -cipher ' +
    '-export-label -export-context -use-client-ca-list -expect-client-ca-list -expect-peer-cert-file ' +
    '-expect-msg-callback -handshaker-path -delegated-credential -expect-early-data-reason ' +
    '-quic-early-data-context -expect-peer-application-settings',
  base64:
    '-expect-ech-retry-configs -ech-config-list -expect-certificate-types -quic-transport-params ' +
    '-expect-quic-transport-params -expect-channel-id -expect-signed-cert-timestamps -ocsp-response ' +
    '-expect-ocsp-response -signed-cert-timestamps -ticket-key',
  intvec: '-signing-prefs -verify-prefs -expect-peer-verify-pref -curves -ech-is-retry-config',
  b64vec: '-ech-server-config -ech-server-key',
  pairvec: '-application-settings',
};

const KIND = new Map<string, Kind>();
for (const [kind, names] of Object.entries(KINDS) as [Kind, string][]) {
  for (const n of names.split(' ')) KIND.set(n, kind);
}

/** One of the three configurations (initial, resume, 0-RTT retry) of test_config.cc's ParseConfig. */
export class ShimConfig {
  readonly bools = new Set<string>();
  readonly values = new Map<string, string>();
  readonly vectors = new Map<string, string[]>();

  bool(name: string): boolean {
    return this.bools.has(name);
  }
  int(name: string, dflt = 0): number {
    const v = this.values.get(name);
    return v === undefined ? dflt : Number(v);
  }
  str(name: string): string {
    return this.values.get(name) ?? '';
  }
  /** A base64 flag's decoded bytes (latin1 string). */
  bytes(name: string): string {
    const v = this.values.get(name);
    return v === undefined ? '' : Buffer.from(v, 'base64').toString('latin1');
  }
  /** A base64 flag's decoded bytes. */
  bytesOf(name: string): Uint8Array {
    return new Uint8Array(Buffer.from(this.values.get(name) ?? '', 'base64'));
  }
  ints(name: string): number[] {
    return (this.vectors.get(name) ?? []).map(Number);
  }
  has(name: string): boolean {
    return this.bools.has(name) || this.values.has(name) || this.vectors.has(name);
  }
  names(): string[] {
    return [...this.bools, ...this.values.keys(), ...this.vectors.keys()];
  }
}

export interface ParsedArgs {
  initial: ShimConfig;
  resume: ShimConfig;
  retry: ShimConfig;
}

/** A flag the shim cannot honour: the caller exits 89 with this text. */
export class Unimplemented extends Error {}

const INT_RE = /^-?\d+$/;

/** ParseConfig (test_config.cc): prefixes route a flag to one configuration, unprefixed flags to all three. */
export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { initial: new ShimConfig(), resume: new ShimConfig(), retry: new ShimConfig() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    let name = arg;
    let skip = false;
    if (name.startsWith('-on-shim-')) name = name.slice('-on-shim'.length);
    else if (name.startsWith('-on-handshaker-')) {
      name = name.slice('-on-handshaker'.length);
      skip = true;
    }
    let targets: ShimConfig[] = [out.initial, out.resume, out.retry];
    for (const [prefix, cfg] of [
      ['-on-initial', out.initial],
      ['-on-resume', out.resume],
      ['-on-retry', out.retry],
    ] as const) {
      if (name.startsWith(prefix + '-')) {
        name = name.slice(prefix.length);
        targets = [cfg];
        break;
      }
    }
    const kind = KIND.get(name);
    if (!kind) throw new Unimplemented(`unrecognized flag: ${name}`);
    let param: string | undefined;
    if (kind !== 'bool') {
      param = argv[++i];
      if (param === undefined) throw new Unimplemented(`missing parameter for ${name}`);
      if ((kind === 'int' || kind === 'intvec') && !INT_RE.test(param))
        throw new Unimplemented(`invalid parameter for ${name}: ${param}`);
    }
    if (skip) continue;
    for (const c of targets) {
      if (kind === 'bool') c.bools.add(name);
      else if (kind === 'intvec' || kind === 'b64vec' || kind === 'pairvec') {
        const v = c.vectors.get(name) ?? [];
        v.push(param ?? '');
        c.vectors.set(name, v);
      } else c.values.set(name, param ?? '');
    }
  }
  return out;
}

/**
 * The first flag of any configuration that this shim does not implement, with its reason.
 * `unimplemented` is config.json's UnimplementedFlags: flag → reason (the feature the library lacks,
 * or one the project decided not to build).
 */
export function firstUnimplemented(args: ParsedArgs, unimplemented: Record<string, string>): string | undefined {
  for (const c of [args.initial, args.resume]) {
    for (const n of c.names()) {
      const why = unimplemented[n];
      if (why) return `${n}: ${why}`;
    }
  }
  return undefined;
}
