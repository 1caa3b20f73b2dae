/**
 * TLS 1.2 keys: the master secret (RFC 5246 §8.1, RFC 7627 §4), the key block turned into
 * record protections (RFC 5246 §6.3; RFC 7366 encrypt-then-MAC for CBC suites), and the session
 * that keeps the master secret for resumption (RFC 5246 §7.3, RFC 5077).
 */
import { keyBlock, masterSecret, prfHashFor } from './prf.js';
import type { Transcript } from './transcript.js';
import type { ServerHello } from '../codec/handshake.js';
import { ProtocolVersion, type CipherSuite } from '../codec/names.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { Tls12AeadProtection, Tls12CbcProtection } from '../record/protection12.js';
import type { RecordProtection } from '../record/protection.js';
import { createSession, SESSION_FLAG_EXTMS, type Session } from '../session/session.js';
import type { SessionFacts } from './negotiated.js';

/** What the ServerHello settled (RFC 5246 §7.4.1.3). */
export interface Hello12 {
  /** The negotiated version, TLS 1.0 to 1.2: it picks the PRF and the CBC IV (RFC 2246, 4346, 5246). */
  version: number;
  sh: ServerHello;
  suite: CipherSuite;
  /** extended_master_secret negotiated (RFC 7627). */
  ems: boolean;
  /** encrypt_then_mac in force: negotiated with a CBC suite (RFC 7366 §3). */
  etm: boolean;
  /** The server accepted the session we offered (RFC 5246 §7.3, abbreviated handshake). */
  resumed: boolean;
}

/** The master secret and the record protections derived from it (RFC 5246 §6.3, §8.1). */
export interface Keys12 {
  master: Uint8Array;
  read: RecordProtection;
  write: RecordProtection;
}

/** master_secret (RFC 5246 §8.1), or with EMS over the session hash so far (RFC 7627 §4). */
export function masterSecret12(
  p: CryptoProvider,
  hello: Hello12,
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  transcript: Transcript,
): Uint8Array {
  const hash = prfHashFor(hello.version, hello.suite.hash);
  return hello.ems
    ? masterSecret(p, hash, preMaster, { sessionHash: transcript.hash() })
    : masterSecret(p, hash, preMaster, { clientRandom, serverRandom: hello.sh.random });
}

/** Key block (RFC 5246 §6.3) → record protections; our write side switches at our CCS, read at theirs. */
export function keys12(p: CryptoProvider, hello: Hello12, master: Uint8Array, clientRandom: Uint8Array): Keys12 {
  const c = hello.suite.cipher;
  // TLS 1.0 CBC takes its first IVs from the key block and chains them (RFC 2246 §6.3); TLS 1.1+
  // sends an explicit IV per record, so the key block has none (RFC 4346 §6.3).
  const implicitIv = c.kind === 'cbc' && hello.version === ProtocolVersion.TLS1_0;
  const sizes =
    c.kind === 'aead'
      ? { macKey: 0, key: c.keyLength, iv: c.fixedIvLength }
      : { macKey: c.macLength, key: c.keyLength, iv: implicitIv ? 16 : 0 };
  const kb = keyBlock(p, prfHashFor(hello.version, hello.suite.hash), master, clientRandom, hello.sh.random, sizes);
  const make = (key: Uint8Array, iv: Uint8Array, mac: Uint8Array): RecordProtection =>
    c.kind === 'aead'
      ? new Tls12AeadProtection(p, c.aead, key, iv)
      : new Tls12CbcProtection(p, key, c.macHash, mac, hello.etm, implicitIv ? iv : undefined);
  return {
    master,
    write: make(kb.clientKey, kb.clientIv, kb.clientMac),
    read: make(kb.serverKey, kb.serverIv, kb.serverMac),
  };
}

/** A TLS 1.2 NewSessionTicket (RFC 5077 §3.3). */
export interface Ticket12 {
  lifetimeHint: number;
  ticket: Uint8Array;
}

/** The session of a completed handshake (with a ticket, session ID = SHA-256(ticket), RFC 5077 §3.4). */
export function session12(
  p: CryptoProvider,
  hello: Hello12,
  master: Uint8Array,
  t: Ticket12 | undefined,
  facts: SessionFacts & { receivedAtMs: number },
): Session | undefined {
  const ticket = t && t.ticket.length > 0 ? t.ticket : undefined;
  const sessionId = ticket ? p.digest('sha256', ticket) : hello.sh.sessionId;
  if (sessionId.length === 0) return undefined;
  return createSession({
    version: hello.version,
    cipherSuite: hello.sh.cipherSuite,
    masterKey: master,
    ...facts,
    sessionId,
    ticket,
    tickLifetimeHint: t?.lifetimeHint ?? 0,
    flags: hello.ems ? SESSION_FLAG_EXTMS : 0,
  });
}
