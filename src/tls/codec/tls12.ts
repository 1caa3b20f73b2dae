/**
 * TLS 1.2's own handshake messages, both directions: ECDHE ServerKeyExchange (RFC 8422 §5.4),
 * ECDHE ClientKeyExchange (RFC 8422 §5.7), NewSessionTicket (RFC 5077 §3.3) and the empty
 * ServerHelloDone / HelloRequest (RFC 5246 §7.4.5, §7.4.1.1).
 */
import { Reader, Writer } from './bytes.js';
import { decodeError } from '../errors.js';

/** ECCurveType.named_curve (RFC 8422 §5.4), the only curve type TLS 1.3-era peers use. */
const NAMED_CURVE = 3;

// --- ServerKeyExchange (ECDHE) ---------------------------------------------------------------

export interface ServerKeyExchangeEcdhe {
  /** IANA named group. */
  group: number;
  point: Uint8Array;
  /** The signed ServerECDHParams bytes (curve_type .. point). */
  params: Uint8Array;
  scheme: number;
  signature: Uint8Array;
}

/** ServerECDHParams (RFC 8422 §5.4): named_curve, group, point: the bytes the signature covers. */
export function encodeServerEcdhParams(group: number, point: Uint8Array): Uint8Array {
  return new Writer(point.length + 4).u8(NAMED_CURVE).u16(group).vec8(point).finish().slice();
}

/** Encodes an ECDHE ServerKeyExchange body: the params, then a TLS 1.2 digitally-signed struct. */
export function encodeServerKeyExchangeEcdhe(ske: Omit<ServerKeyExchangeEcdhe, 'params'>): Uint8Array {
  const params = encodeServerEcdhParams(ske.group, ske.point);
  return new Writer(params.length + ske.signature.length + 4)
    .bytes(params)
    .u16(ske.scheme)
    .vec16(ske.signature)
    .finish()
    .slice();
}

/** ECDHE ServerKeyExchange (RFC 8422 §5.4) with a TLS 1.2 digitally-signed struct. */
export function decodeServerKeyExchangeEcdhe(body: Uint8Array): ServerKeyExchangeEcdhe {
  const r = new Reader(body, 'ServerKeyExchange');
  const curveType = r.u8();
  if (curveType !== NAMED_CURVE) throw decodeError('ServerKeyExchange: only named_curve is supported');
  const group = r.u16();
  const point = r.vec8(1);
  const params = body.subarray(0, r.offset);
  const scheme = r.u16();
  const signature = r.vec16(1);
  r.end();
  return { group, point, params, scheme, signature };
}

// --- ClientKeyExchange (ECDHE) ---------------------------------------------------------------

/** ECDHE ClientKeyExchange (RFC 8422 §5.7): the client's public point. */
export function encodeClientKeyExchangeEcdhe(point: Uint8Array): Uint8Array {
  return new Writer(point.length + 1).vec8(point).finish();
}
/** Decodes an ECDHE ClientKeyExchange body: the client's public point <1..2^8-1>. */
export function decodeClientKeyExchangeEcdhe(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'ClientKeyExchange');
  const point = r.vec8(1);
  r.end();
  return point;
}

// --- NewSessionTicket (RFC 5077 §3.3) --------------------------------------------------------

export interface NewSessionTicket12 {
  lifetimeHint: number;
  ticket: Uint8Array;
}
/** Encodes a TLS 1.2 NewSessionTicket body. */
export function encodeNewSessionTicket12(t: NewSessionTicket12): Uint8Array {
  return new Writer(t.ticket.length + 6).u32(t.lifetimeHint).vec16(t.ticket).finish().slice();
}
/** TLS 1.2 NewSessionTicket (RFC 5077 §3.3). */
export function decodeNewSessionTicket12(body: Uint8Array): NewSessionTicket12 {
  const r = new Reader(body, 'NewSessionTicket');
  const lifetimeHint = r.u32();
  const ticket = r.vec16();
  r.end();
  return { lifetimeHint, ticket };
}

// --- empty messages --------------------------------------------------------------------------

/** The body of ServerHelloDone and HelloRequest. */
export const EMPTY_BODY = new Uint8Array(0);

/** A message whose body must be empty (ServerHelloDone, HelloRequest). */
export function expectEmptyBody(body: Uint8Array, what: string): void {
  if (body.length !== 0) throw decodeError(`${what} must be empty`);
}
