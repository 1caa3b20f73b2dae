/**
 * A small client-side session cache (OpenSSL's SSL_SESS_CACHE_CLIENT store, keyed the way a
 * client looks sessions up: host, port, servername) with OpenSSL's bad-session rule (§5.2) and
 * single use of TLS 1.3 tickets (RFC 8446 Appendix C.4).
 */
import { ProtocolVersion } from '../codec/names.js';
import { isResumable, type Session } from './session.js';

/** Where a session may be offered again. `servername` is the SNI sent, null when none. */
export interface SessionCacheKey {
  host: string;
  port: number;
  servername: string | null;
}

/** Default number of sessions kept per key (an OpenSSL server sends 2 tickets per full handshake). */
export const DEFAULT_SESSIONS_PER_KEY = 8;

function keyString(k: SessionCacheKey): string {
  return JSON.stringify([k.host.toLowerCase(), k.port, k.servername]);
}

/** Sessions per (host, port, servername), newest first. */
export class SessionCache {
  private readonly byKey = new Map<string, Session[]>();

  constructor(readonly maxPerKey: number = DEFAULT_SESSIONS_PER_KEY) {
    if (!Number.isInteger(maxPerKey) || maxPerKey < 1) throw new RangeError('maxPerKey must be a positive integer');
  }

  /** Stores a session as the newest for its key (moving it up if already there); drops the oldest beyond the limit. */
  add(key: SessionCacheKey, s: Session): void {
    const k = keyString(key);
    const list = (this.byKey.get(k) ?? []).filter((x) => x !== s);
    list.unshift(s);
    list.length = Math.min(list.length, this.maxPerKey);
    this.byKey.set(k, list);
  }

  /** The sessions stored for a key, newest first (a copy of the list). */
  sessions(key: SessionCacheKey): Session[] {
    return [...(this.byKey.get(keyString(key)) ?? [])];
  }

  /** The newest session that could be offered now, without consuming it. */
  peek(key: SessionCacheKey): Session | undefined {
    return this.byKey.get(keyString(key))?.find(offerable);
  }

  /**
   * The newest resumable session not yet used, marked used. A TLS 1.3 ticket is offered once
   * (RFC 8446 Appendix C.4); TLS ≤1.2 sessions stay reusable, as session IDs and RFC 5077
   * tickets are meant to be, so for them `used` is bookkeeping only.
   */
  takeForResumption(key: SessionCacheKey): Session | undefined {
    const s = this.peek(key);
    if (s !== undefined) s.used = true;
    return s;
  }

  /** Drops a session from every key without marking it (e.g. a TLS 1.2 session replaced by a new ticket). */
  delete(s: Session): boolean {
    let found = false;
    for (const [k, list] of this.byKey) {
      const rest = list.filter((x) => x !== s);
      if (rest.length === list.length) continue;
      found = true;
      if (rest.length === 0) this.byKey.delete(k);
      else this.byKey.set(k, rest);
    }
    return found;
  }

  /** Whether the object is stored under any key. */
  has(s: Session): boolean {
    for (const list of this.byKey.values()) if (list.includes(s)) return true;
    return false;
  }

  /** Number of stored sessions over all keys. */
  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }

  /** Forgets everything. */
  clear(): void {
    this.byKey.clear();
  }
}

function offerable(s: Session): boolean {
  return isResumable(s) && !(s.version === ProtocolVersion.TLS1_3 && s.used);
}

/**
 * SSL_CTX_remove_session: marks the object not resumable, whether or not it was cached (since
 * OpenSSL 1.1.0, commit e4612d02c5), and drops it from the cache. Returns whether it was cached.
 */
export function removeSession(s: Session, cache?: SessionCache): boolean {
  s.notResumable = true;
  return cache?.delete(s) ?? false;
}

/** The connection state ssl_clear_bad_session looks at. */
export interface ShutdownState {
  /** SSL_SENT_SHUTDOWN: we sent close_notify (or the caller set it / quiet shutdown). */
  sentShutdown: boolean;
  /** The handshake finished (SSL_in_init and SSL_in_before are both false). */
  handshakeDone: boolean;
}

/** ssl_clear_bad_session's condition: a finished connection dropped without our close_notify. */
export function isBadSession(state: ShutdownState): boolean {
  return !state.sentShutdown && state.handshakeDone;
}

/**
 * ssl_clear_bad_session (run by SSL_set_session, SSL_clear and SSL_free): when the connection
 * ends without close_notify after a finished handshake, the session is removed and marked bad.
 * Returns whether the rule fired. For fatal alerts sent or received, call removeSession directly.
 */
export function clearBadSession(s: Session | undefined, state: ShutdownState, cache?: SessionCache): boolean {
  if (s === undefined || !isBadSession(state)) return false;
  removeSession(s, cache);
  return true;
}
