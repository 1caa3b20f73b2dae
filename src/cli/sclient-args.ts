/**
 * openssl s_client's single-dash spellings (`-connect h:443 -servername h -CAfile r.pem`) turned
 * into tls-probe's long options before commander parses the command line, so scripts written for
 * s_client run unchanged. An s_client option that tls-probe does not implement is a usage error
 * (exit 2) that names it, never silently ignored: a script must not believe a check ran.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/**
 * Every option of `openssl s_client -help` (3.0.x, plus the 3.2+ `-no-interactive` and 4.0's ECH ones), and whether it
 * takes a value there. Source: the OPTIONS table of apps/s_client.c, as printed by `-help`.
 */
const SCLIENT_OPTIONS: Record<string, boolean> = Object.fromEntries([
  ...'engine ssl_client_engine ssl_config ctlogfile host port connect bind proxy proxy_user proxy_pass unix maxfraglen max_send_frag split_send_frag max_pipelines read_buf cert certform cert_chain key keyform pass verify nameopt CApath CAfile CAstore requestCAfile dane_tlsa_domain dane_tlsa_rrdata psk_identity psk psk_session name sess_out sess_in starttls xmpphost msgfile keymatexport keymatexportlen keylogfile servername serverinfo alpn mtu nextprotoneg early_data use_srtp srpuser srppass srp_strength rand writerand sigalgs client_sigalgs groups curves named_curve cipher ciphersuites min_protocol max_protocol record_padding policy purpose verify_name verify_depth auth_level attime verify_hostname verify_email verify_ip CRL CRLform chainCAfile chainCApath chainCAstore verifyCAfile verifyCApath verifyCAstore xkey xcert xchain xcertform xkeyform provider-path provider propquery ech_config_list ech_outer_sni'
    .split(' ')
    .map((n) => [n, true] as const),
  ...'help ct noct 4 6 fallback_scsv build_chain no-CAfile no-CApath no-CAstore dane_ee_no_namechecks reconnect crlf quiet ign_eof no_ign_eof brief prexit showcerts debug msg nbio_test state security_debug security_debug_verbose trace nocommands no-interactive noservername tlsextdebug ignore_unexpected_eof status async nbio tls1 tls1_1 tls1_2 tls1_3 dtls timeout dtls1 dtls1_2 enable_pha srp_lateuser srp_moregroups no_ssl3 no_tls1 no_tls1_1 no_tls1_2 no_tls1_3 bugs no_comp comp no_ticket serverpref legacy_renegotiation client_renegotiation no_renegotiation legacy_server_connect no_resumption_on_reneg no_legacy_server_connect allow_no_dhe_kex prioritize_chacha strict debug_broken_protocol no_middlebox no_etm ignore_critical issuer_checks crl_check crl_check_all policy_check explicit_policy inhibit_any inhibit_map x509_strict extended_crl use_deltas policy_print check_ss_sig trusted_first suiteB_128_only suiteB_128 suiteB_192 partial_chain no_alt_chains no_check_time allow_proxy_certs crl_download verify_return_error verify_quiet xchain_build ech_grease'
    .split(' ')
    .map((n) => [n, false] as const),
]);

/** s_client names whose tls-probe long option is spelt differently (not just `_` → `-`). */
const RENAMED: Record<string, string> = {
  CAfile: '--cafile',
  CApath: '--capath',
  noservername: '--no-servername',
  max_send_frag: '--max-send-fragment',
  maxfraglen: '--max-fragment-length',
  curves: '--groups',
  min_protocol: '--min-tls',
  max_protocol: '--max-tls',
  nocommands: '--no-interactive',
  name: '--starttls-name',
  '4': '--ipv4',
  '6': '--ipv6',
};

/** s_client options whose meaning differs from the tls-probe option of the same name. */
const DIFFERENT: Record<string, string> = {
  timeout: "s_client's -timeout is a DTLS switch; tls-probe's --timeout takes milliseconds",
  verify:
    "s_client's -verify <depth> only sets a depth; tls-probe always verifies (use --insecure to continue after a failure)",
};

/** What a long option of the program looks like to the translator. */
export interface LongOption {
  /** "--sess-in" */
  long: string;
  /** Takes a value (required or optional). */
  takesValue: boolean;
}

/** The long options of a commander program. */
export function longOptions(program: Command): LongOption[] {
  return program.options.flatMap((o) => (o.long ? [{ long: o.long, takesValue: o.required || o.optional }] : []));
}

/** The tls-probe long option for an s_client option name, if tls-probe implements it. */
function longFor(name: string, longs: ReadonlyMap<string, LongOption>): string | null {
  const renamed = RENAMED[name];
  if (renamed !== undefined) return longs.has(renamed) ? renamed : null;
  for (const cand of [`--${name.replace(/_/g, '-')}`, `--${name}`]) if (longs.has(cand)) return cand;
  return null;
}

/**
 * Rewrites s_client single-dash options in argv to tls-probe's long options. Values of options
 * that take one are left alone, as is everything after `--`; a single-dash word that is not an
 * s_client option is left for commander to report. Throws UsageError for an s_client option that
 * tls-probe does not implement.
 */
export function translateSclientArgs(argv: readonly string[], program: Command | readonly LongOption[]): string[] {
  const options = 'options' in program ? longOptions(program) : program;
  const longs = new Map(options.map((o) => [o.long, o]));
  const out: string[] = [];
  let valueNext = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (valueNext) {
      valueNext = false;
      out.push(a);
      continue;
    }
    if (a.startsWith('--')) {
      const o = longs.get(a.split('=')[0] ?? '');
      valueNext = !!o?.takesValue && !a.includes('=');
      out.push(a);
      continue;
    }
    const m = /^-([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(a);
    const name = m?.[1];
    if (name === undefined || !(name in SCLIENT_OPTIONS)) {
      out.push(a);
      continue;
    }
    const long = name in DIFFERENT ? null : longFor(name, longs);
    if (long === null) {
      const why = DIFFERENT[name];
      throw new UsageError(
        `s_client option '-${name}' is not implemented by tls-probe${why ? ` (${why})` : ''} (see tls-probe --help)`,
      );
    }
    out.push(long);
    // s_client's -reconnect takes no count: never let it swallow the next word.
    if (name === 'reconnect') continue;
    valueNext = longs.get(long)?.takesValue === true && SCLIENT_OPTIONS[name] === true;
  }
  return out;
}
