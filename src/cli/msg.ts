/** The --msg lines, as s_client -msg prints its headers: `>>> TLS 1.3, Handshake [length 00c4], ClientHello`. */
import type { MessageEvent } from '../tls/types.js';
import { versionMsgName } from '../tls/codec/names.js';

/** One --msg line; `negotiated` is the protocol version once known (s_client prints it). */
export function formatMsgLine(e: MessageEvent, negotiated: number | null): string {
  const dir = e.direction === 'sent' ? '>>>' : '<<<';
  const v = versionMsgName(negotiated ?? e.version) ?? `0x${e.version.toString(16)}`;
  const kind = e.contentType === 20 ? 'ChangeCipherSpec' : e.contentType === 21 ? 'Alert' : 'Handshake';
  const len = e.bytes.length.toString(16).padStart(4, '0');
  const what = e.contentType === 22 ? `, ${e.name}` : e.contentType === 21 ? ` (${e.name.replace(/^Alert /, '')})` : '';
  return `${dir} ${v}, ${kind} [length ${len}]${what}`;
}

/** OpenSSL's SSL_state_string_long texts for the state names the handshake reports. */
const STATE_TEXT: Record<string, string> = {
  TLS_ST_CW_CLNT_HELLO: 'SSLv3/TLS write client hello',
  TLS_ST_CR_SRVR_HELLO: 'SSLv3/TLS read server hello',
  TLS_ST_CR_ENCRYPTED_EXTENSIONS: 'TLSv1.3 read encrypted extensions',
  TLS_ST_CR_CERT_REQ: 'SSLv3/TLS read server certificate request',
  TLS_ST_CR_CERT: 'SSLv3/TLS read server certificate',
  TLS_ST_CR_CERT_VRFY: 'TLSv1.3 read server certificate verify',
  TLS_ST_CR_KEY_EXCH: 'SSLv3/TLS read server key exchange',
  TLS_ST_CR_SRVR_DONE: 'SSLv3/TLS read server done',
  TLS_ST_CR_SESSION_TICKET: 'SSLv3/TLS read server session ticket',
  TLS_ST_CR_CHANGE: 'SSLv3/TLS read change cipher spec',
  TLS_ST_CR_FINISHED: 'SSLv3/TLS read finished',
  TLS_ST_CW_CERT: 'SSLv3/TLS write client certificate',
  TLS_ST_CW_KEY_EXCH: 'SSLv3/TLS write client key exchange',
  TLS_ST_CW_CERT_VRFY: 'SSLv3/TLS write certificate verify',
  TLS_ST_CW_CHANGE: 'SSLv3/TLS write change cipher spec',
  TLS_ST_CW_FINISHED: 'SSLv3/TLS write finished',
  TLS_ST_EARLY_DATA: 'TLSv1.3 early data',
  TLS_ST_CW_END_OF_EARLY_DATA: 'TLSv1.3 write end of early data',
  TLS_ST_OK: 'SSL negotiation finished successfully',
};

/** One --state line as s_client -state prints it: `SSL_connect:SSLv3/TLS write client hello`. */
export function formatStateLine(state: string): string {
  const [id, ...note] = state.split(' ');
  const text = STATE_TEXT[id ?? ''] ?? state;
  return `SSL_connect:${text}${note.length && STATE_TEXT[id ?? ''] ? ' ' + note.join(' ') : ''}`;
}
