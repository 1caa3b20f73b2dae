/**
 * BoGo's client 0-RTT (-enable-early-data) over the library's model. BoringSSL's SSL_do_handshake
 * returns as soon as early data may be written and the shim's first write ("hello" with
 * -shim-writes-first) becomes the early data; a rejection surfaces as SSL_ERROR_EARLY_DATA_REJECTED
 * and the shim retries the exchange at 1-RTT with the -on-retry- configuration. The library takes
 * the early data up front (ClientParams.earlyData) and completes the handshake in connect(), so:
 * the shim hands it "hello" (or nothing) up front, and after a rejection it goes on with the retry
 * configuration and writes "hello" again at 1-RTT, as BoringSSL's retried DoExchange does.
 */
import type { Connection, Session } from '../../src/index.js';
import type { ParsedArgs, ShimConfig } from './flags.js';
import type { TestState } from './checks.js';

/** The initial write that becomes early data with -shim-writes-first. */
export const INITIAL_WRITE = new TextEncoder().encode('hello');

/** ClientParams.earlyData for this connection: set on a resumption with -enable-early-data. */
export function earlyDataParam(c: ShimConfig, session: Session | undefined): Uint8Array | undefined {
  if (!session || !c.bool('-enable-early-data')) return undefined;
  return c.bool('-shim-writes-first') ? INITIAL_WRITE : new Uint8Array(0);
}

/**
 * SSL_get_early_data_reason's string (BoringSSL ssl_early_data_reason_t) for what the library
 * did; `offered` is the session we offered.
 */
export function earlyDataReason(conn: Connection, c: ShimConfig, offered: Session | undefined, st: TestState): string {
  const info = conn.handshake.info;
  if (!c.bool('-enable-early-data')) return 'disabled';
  if (info.earlyData === 'accepted') return 'accept';
  if (!offered) return 'no_session_offered';
  if (info.earlyData === 'not sent') {
    if (offered.version !== 0x0304) return 'protocol_version';
    if (offered.maxEarlyData === 0) return 'unsupported_for_session';
    return 'alpn_mismatch';
  }
  if (info.handshake === 'full-hrr' || st.usedHrr) return 'hello_retry_request';
  if (!info.resumed) return 'session_not_resumed';
  return 'peer_declined';
}

/**
 * After the handshake: the configuration the rest of the exchange uses (the retry one after a
 * rejection BoGo expected) and how many bytes of "hello" went out early, or a failure text.
 */
export function afterHandshake(
  conn: Connection,
  args: ParsedArgs,
  c: ShimConfig,
  isResume: boolean,
  offered: Session | undefined,
  st: TestState,
): { config: ShimConfig; earlyOut: number } | string {
  const info = conn.handshake.info;
  if (!isResume || !c.bool('-enable-early-data')) return { config: c, earlyOut: 0 };
  if (c.bool('-expect-no-offer-early-data') && info.earlyData !== 'not sent')
    return 'Client unexpectedly offered early data.';
  let config = c;
  if (info.earlyData === 'rejected') {
    if (!c.bool('-expect-reject-early-data')) return 'SSL error: EARLY_DATA_REJECTED';
    config = args.retry;
  } else if (c.bool('-expect-reject-early-data') && info.earlyData === 'accepted')
    return 'Early data was accepted, but we expected the opposite';
  if (config.bool('-expect-accept-early-data') && info.earlyData !== 'accepted')
    return 'Early data was not accepted, but we expected the opposite';
  const want = config.str('-expect-early-data-reason');
  const got = earlyDataReason(conn, config, offered, st);
  if (want && want !== got) return `Early data reason was "${got}", expected "${want}"`;
  return { config, earlyOut: info.earlyData === 'accepted' ? info.earlyDataSent : 0 };
}
