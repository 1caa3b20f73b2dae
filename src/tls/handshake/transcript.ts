/**
 * The handshake transcript (RFC 8446 §4.4.1). Messages are kept raw until the cipher suite fixes
 * the hash, then hashed incrementally; a HelloRetryRequest replaces ClientHello1 by message_hash.
 */
import type { CryptoProvider, Hash } from '../crypto/provider.js';
import { HASH_LENGTH, type HashName } from '../codec/names.js';
import { createPrfHash, type PrfHash } from './prf.js';
import { HandshakeType } from '../codec/handshake.js';
import { concat } from '../codec/bytes.js';

export class Transcript {
  private pending: Uint8Array[] = [];
  private running?: Hash;
  /** Every message since the start (or since HRR's message_hash), for TLS 1.2 CertificateVerify. */
  private readonly all: Uint8Array[] = [];
  hashName?: PrfHash;

  constructor(private readonly p: CryptoProvider) {}

  /** Appends one whole handshake message (header included). */
  add(message: Uint8Array): void {
    const copy = message.slice(); // one copy serves both lists
    this.all.push(copy);
    if (this.running) this.running.update(copy);
    else this.pending.push(copy);
  }

  /**
   * Drops the kept messages once the handshake is over; the running hash stays usable unless
   * `dropHash` (a connected TLS 1.3 client hashes no further message, RFC 8446 §4.6).
   */
  release(dropHash = false): void {
    this.all.length = 0;
    this.pending = [];
    if (dropHash) this.running = undefined;
  }

  /** The concatenated messages (TLS 1.2 CertificateVerify signs these, RFC 5246 §7.4.8). */
  messages(): Uint8Array {
    return concat(...this.all);
  }

  /**
   * Fixes the hash once the server chose a suite and hashes what was buffered: the suite's hash,
   * or MD5 || SHA-1 ('md5-sha1') for TLS 1.0/1.1 (RFC 2246 §7.4.9).
   */
  setHash(hash: PrfHash): void {
    if (this.running) return;
    this.hashName = hash;
    this.running = createPrfHash(this.p, hash);
    for (const m of this.pending) this.running.update(m);
    this.pending = [];
  }

  /** Transcript-Hash of everything so far. */
  hash(): Uint8Array {
    if (!this.running) throw new Error('transcript hash not chosen yet');
    return this.running.digest();
  }

  /** Hash of the transcript plus extra bytes not yet added (for the PSK binder over a partial ClientHello). */
  hashWith(extra: Uint8Array): Uint8Array {
    if (!this.running) throw new Error('transcript hash not chosen yet');
    const h = this.running.clone();
    h.update(extra);
    return h.digest();
  }

  /**
   * HelloRetryRequest: replace ClientHello1 with message_hash(Hash(ClientHello1)) (RFC 8446 §4.4.1).
   * Must be called before the HRR itself is added.
   */
  replaceWithMessageHash(hash: HashName): void {
    const ch1 = this.running ? this.running.digest() : this.p.digest(hash, concat(...this.pending));
    this.pending = [];
    this.running = this.p.createHash(hash);
    this.hashName = hash;
    this.running.update(Uint8Array.of(HandshakeType.message_hash, 0, 0, HASH_LENGTH[hash]));
    this.running.update(ch1);
  }
}
