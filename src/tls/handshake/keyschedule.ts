/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1) and traffic key derivation (§7.3), with the RFC's
 * labels as constants. Every function names the RFC concept it implements.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { HASH_LENGTH, type HashName } from '../codec/names.js';
import { Writer, utf8, constantTimeEqual } from '../codec/bytes.js';

export const Label = {
  extBinder: 'ext binder',
  resBinder: 'res binder',
  clientEarlyTraffic: 'c e traffic',
  earlyExporter: 'e exp master',
  derived: 'derived',
  clientHandshakeTraffic: 'c hs traffic',
  serverHandshakeTraffic: 's hs traffic',
  clientAppTraffic: 'c ap traffic',
  serverAppTraffic: 's ap traffic',
  exporterMaster: 'exp master',
  resumptionMaster: 'res master',
  resumption: 'resumption',
  finished: 'finished',
  key: 'key',
  iv: 'iv',
  trafficUpdate: 'traffic upd',
} as const;

/** HKDF-Expand-Label from RFC 8446, Section 7.1. */
export function hkdfExpandLabel(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const info = new Writer(10 + label.length + context.length)
    .u16(length)
    .vec8(utf8('tls13 ' + label))
    .vec8(context)
    .finish();
  return p.hkdfExpand(hash, secret, info, length);
}

/** Derive-Secret from RFC 8446, Section 7.1: the label applied to a transcript hash. */
export function deriveSecret(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(p, hash, secret, label, transcriptHash, HASH_LENGTH[hash]);
}

/** The traffic key and IV for a traffic secret (RFC 8446 §7.3). */
export function trafficKeys(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  keyLength: number,
  ivLength = 12,
): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: hkdfExpandLabel(p, hash, secret, Label.key, new Uint8Array(0), keyLength),
    iv: hkdfExpandLabel(p, hash, secret, Label.iv, new Uint8Array(0), ivLength),
  };
}

/** application_traffic_secret_N+1 (RFC 8446 §7.2). */
export function nextTrafficSecret(p: CryptoProvider, hash: HashName, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(p, hash, secret, Label.trafficUpdate, new Uint8Array(0), HASH_LENGTH[hash]);
}

/** Finished verify_data = HMAC(finished_key, transcript hash) (RFC 8446 §4.4.4). */
export function finishedVerifyData(
  p: CryptoProvider,
  hash: HashName,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  const finishedKey = hkdfExpandLabel(p, hash, baseKey, Label.finished, new Uint8Array(0), HASH_LENGTH[hash]);
  return p.hmac(hash, finishedKey, transcriptHash);
}

/** Checks a peer's Finished in constant time. */
export function verifyFinished(
  p: CryptoProvider,
  hash: HashName,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
  received: Uint8Array,
): boolean {
  return constantTimeEqual(finishedVerifyData(p, hash, baseKey, transcriptHash), received);
}

/** The resumption PSK for a ticket nonce (RFC 8446 §4.6.1). */
export function resumptionPsk(
  p: CryptoProvider,
  hash: HashName,
  resumptionMaster: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(p, hash, resumptionMaster, Label.resumption, nonce, HASH_LENGTH[hash]);
}

/** What a forgotten secret becomes: one shared empty array, not one per connection. */
const FORGOTTEN = new Uint8Array(0);

/**
 * The secret chain Early Secret → Handshake Secret → Master Secret of RFC 8446 §7.1, held for one
 * handshake. Each stage is computed once, in order.
 */
export class KeySchedule {
  readonly hashLength: number;
  /** Early Secret = HKDF-Extract(0, PSK or zeros). */
  earlySecret: Uint8Array;
  handshakeSecret?: Uint8Array;
  masterSecret?: Uint8Array;

  constructor(
    private readonly p: CryptoProvider,
    readonly hash: HashName,
    psk?: Uint8Array,
  ) {
    this.hashLength = HASH_LENGTH[hash];
    const zeros = new Uint8Array(this.hashLength);
    this.earlySecret = p.hkdfExtract(hash, zeros, psk ?? zeros);
  }

  /**
   * Wipes and drops the chain once the application and resumption secrets are derived: a connected
   * client derives nothing more from it (RFC 8446 §7.1; its exporter secret was derived with them).
   */
  forget(): void {
    for (const s of [this.earlySecret, this.handshakeSecret, this.masterSecret]) s?.fill(0);
    this.earlySecret = FORGOTTEN;
    this.handshakeSecret = undefined;
    this.masterSecret = undefined;
  }

  private emptyHash(): Uint8Array {
    return this.p.digest(this.hash, new Uint8Array(0));
  }

  /** binder_key for a resumption ("res binder") or external ("ext binder") PSK. */
  binderKey(external = false): Uint8Array {
    return deriveSecret(
      this.p,
      this.hash,
      this.earlySecret,
      external ? Label.extBinder : Label.resBinder,
      this.emptyHash(),
    );
  }

  /** Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE). */
  deriveHandshakeSecret(sharedSecret: Uint8Array): Uint8Array {
    const salt = deriveSecret(this.p, this.hash, this.earlySecret, Label.derived, this.emptyHash());
    this.handshakeSecret = this.p.hkdfExtract(this.hash, salt, sharedSecret);
    return this.handshakeSecret;
  }

  /** client/server handshake traffic secrets over ClientHello..ServerHello. */
  handshakeTrafficSecrets(transcriptHash: Uint8Array): { client: Uint8Array; server: Uint8Array } {
    const hs = this.require(this.handshakeSecret, 'handshake secret');
    return {
      client: deriveSecret(this.p, this.hash, hs, Label.clientHandshakeTraffic, transcriptHash),
      server: deriveSecret(this.p, this.hash, hs, Label.serverHandshakeTraffic, transcriptHash),
    };
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). */
  deriveMasterSecret(): Uint8Array {
    const hs = this.require(this.handshakeSecret, 'handshake secret');
    const salt = deriveSecret(this.p, this.hash, hs, Label.derived, this.emptyHash());
    this.masterSecret = this.p.hkdfExtract(this.hash, salt, new Uint8Array(this.hashLength));
    return this.masterSecret;
  }

  /** Application traffic secrets and exporter master over ClientHello..server Finished. */
  applicationSecrets(transcriptHash: Uint8Array): { client: Uint8Array; server: Uint8Array; exporter: Uint8Array } {
    const ms = this.require(this.masterSecret, 'master secret');
    return {
      client: deriveSecret(this.p, this.hash, ms, Label.clientAppTraffic, transcriptHash),
      server: deriveSecret(this.p, this.hash, ms, Label.serverAppTraffic, transcriptHash),
      exporter: deriveSecret(this.p, this.hash, ms, Label.exporterMaster, transcriptHash),
    };
  }

  /** resumption_master_secret over ClientHello..client Finished. */
  resumptionMasterSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(
      this.p,
      this.hash,
      this.require(this.masterSecret, 'master secret'),
      Label.resumptionMaster,
      transcriptHash,
    );
  }

  private require(v: Uint8Array | undefined, what: string): Uint8Array {
    if (!v) throw new Error(`key schedule: ${what} not derived yet`);
    return v;
  }
}
