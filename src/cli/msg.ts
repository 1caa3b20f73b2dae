/** The --msg lines, as s_client -msg prints its headers: `>>> TLS 1.3, Handshake [length 00c4], ClientHello`. */
import type { MessageEvent } from '../tls/types.js';

const VERSION: Record<number, string> = { 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };

/** One --msg line; `negotiated` is the protocol version once known (s_client prints it). */
export function formatMsgLine(e: MessageEvent, negotiated: number | null): string {
  const dir = e.direction === 'sent' ? '>>>' : '<<<';
  const v = VERSION[negotiated ?? e.version] ?? `0x${e.version.toString(16)}`;
  const kind = e.contentType === 20 ? 'ChangeCipherSpec' : e.contentType === 21 ? 'Alert' : 'Handshake';
  const len = e.bytes.length.toString(16).padStart(4, '0');
  const what = e.contentType === 22 ? `, ${e.name}` : e.contentType === 21 ? ` (${e.name.replace(/^Alert /, '')})` : '';
  return `${dir} ${v}, ${kind} [length ${len}]${what}`;
}
