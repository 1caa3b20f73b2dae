/**
 * HPKE (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256), what ECH (RFC 9849 §5.1, §6.1) needs:
 * the KEM and the key schedule run on the crypto provider (its X25519 key shares, HKDF and AEADs),
 * so the node and noble providers give the same bytes. KDFs: HKDF-SHA256/384/512 (ids 1-3); AEADs:
 * AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (ids 1-3). No PSK or auth modes, no export-only AEAD.
 */
import type { AeadName, HashName } from '../codec/names.js';
import { HASH_LENGTH } from '../codec/names.js';
import type { Aead, CryptoProvider } from './provider.js';
import { concat } from '../codec/bytes.js';

/** RFC 9180 §7.1: DHKEM(X25519, HKDF-SHA256). */
export const HPKE_KEM_X25519_SHA256 = 0x0020;

/** RFC 9180 §7.2 KDF ids and their hashes. */
export const HPKE_KDFS: ReadonlyMap<number, HashName> = new Map([
  [0x0001, 'sha256'],
  [0x0002, 'sha384'],
  [0x0003, 'sha512'],
]);

/** RFC 9180 §7.3 AEAD ids: key length Nk; Nn is 12 and Nt 16 for all three. */
export const HPKE_AEADS: ReadonlyMap<number, { name: AeadName; keyLength: number }> = new Map([
  [0x0001, { name: 'AES-128-GCM', keyLength: 16 }],
  [0x0002, { name: 'AES-256-GCM', keyLength: 32 }],
  [0x0003, { name: 'CHACHA20-POLY1305', keyLength: 32 }],
]);

/** An HPKE cipher suite (KEM is always DHKEM(X25519, HKDF-SHA256) here). */
export interface HpkeSuite {
  kdfId: number;
  aeadId: number;
}

/** Npk / Nenc / Nsk of DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1), and Nsecret. */
export const X25519_KEY_LENGTH = 32;
const KEM_SECRET_LENGTH = 32;
const NONCE_LENGTH = 12;
const MODE_BASE = 0x00;

const LABEL_VERSION = new TextEncoder().encode('HPKE-v1');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const EMPTY = new Uint8Array(0);

function u16(n: number): Uint8Array {
  return new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
}

/** True when HPKE here supports the suite (the KEM is checked by the caller). */
export function hpkeSuiteSupported(suite: HpkeSuite): boolean {
  return HPKE_KDFS.has(suite.kdfId) && HPKE_AEADS.has(suite.aeadId);
}

function suiteParams(suite: HpkeSuite): { hash: HashName; aead: AeadName; keyLength: number } {
  const hash = HPKE_KDFS.get(suite.kdfId);
  const aead = HPKE_AEADS.get(suite.aeadId);
  if (hash === undefined || aead === undefined) {
    throw new RangeError(
      `unsupported HPKE suite kdf 0x${suite.kdfId.toString(16)} aead 0x${suite.aeadId.toString(16)}`,
    );
  }
  return { hash, aead: aead.name, keyLength: aead.keyLength };
}

/** RFC 9180 §4: LabeledExtract and LabeledExpand, bound to one suite_id. */
class Labeled {
  constructor(
    private readonly p: CryptoProvider,
    private readonly hash: HashName,
    private readonly suiteId: Uint8Array,
  ) {}
  extract(salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
    return this.p.hkdfExtract(this.hash, salt, concat(LABEL_VERSION, this.suiteId, utf8(label), ikm));
  }
  expand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
    const labeledInfo = concat(u16(length), LABEL_VERSION, this.suiteId, utf8(label), info);
    return this.p.hkdfExpand(this.hash, prk, labeledInfo, length);
  }
}

/** The DHKEM's own labels: suite_id = "KEM" || I2OSP(kem_id, 2), HKDF-SHA256 (RFC 9180 §4.1). */
function kemLabels(p: CryptoProvider): Labeled {
  return new Labeled(p, 'sha256', concat(utf8('KEM'), u16(HPKE_KEM_X25519_SHA256)));
}

/** RFC 9180 §7.1.3 DeriveKeyPair for X25519: the private key from `ikm` (test vectors fix ikmE/ikmR). */
export function deriveX25519PrivateKey(p: CryptoProvider, ikm: Uint8Array): Uint8Array {
  const kem = kemLabels(p);
  const dkpPrk = kem.extract(EMPTY, 'dkp_prk', ikm);
  return kem.expand(dkpPrk, 'sk', EMPTY, X25519_KEY_LENGTH);
}

/** The X25519 public key of a private key. */
export function x25519PublicKey(p: CryptoProvider, privateKey: Uint8Array): Uint8Array {
  return p.generateKeyShare('x25519', privateKey).publicKey;
}

/**
 * RFC 9180 §4.1 ExtractAndExpand: the KEM shared secret from the DH output and kem_context =
 * enc || pkR. The provider's X25519 raises illegal_parameter for an all-zero DH output (§7.1.4).
 */
function extractAndExpand(p: CryptoProvider, dh: Uint8Array, enc: Uint8Array, pkR: Uint8Array): Uint8Array {
  const kem = kemLabels(p);
  const eaePrk = kem.extract(EMPTY, 'eae_prk', dh);
  return kem.expand(eaePrk, 'shared_secret', concat(enc, pkR), KEM_SECRET_LENGTH);
}

/** An HPKE encryption (or decryption) context: key, base nonce, sequence number, exporter secret. */
export class HpkeContext {
  private seq = 0;
  private readonly aead: Aead;
  constructor(
    private readonly p: CryptoProvider,
    private readonly labels: Labeled,
    aead: AeadName,
    readonly key: Uint8Array,
    readonly baseNonce: Uint8Array,
    readonly exporterSecret: Uint8Array,
  ) {
    this.aead = p.createAead(aead, key);
  }

  /** RFC 9180 §5.2 ComputeNonce: base_nonce XOR I2OSP(seq, Nn). */
  private nonce(): Uint8Array {
    if (this.seq >= Number.MAX_SAFE_INTEGER) throw new RangeError('HPKE message limit reached');
    const n = this.baseNonce.slice();
    let s = this.seq;
    for (let i = NONCE_LENGTH - 1; i >= 0 && s > 0; i--) {
      n[i] = (n[i] ?? 0) ^ (s % 256);
      s = Math.floor(s / 256);
    }
    return n;
  }

  /** The sequence number of the next seal/open. */
  get sequence(): number {
    return this.seq;
  }

  /** RFC 9180 §5.2 ContextS.Seal. */
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const ct = this.aead.seal(this.nonce(), plaintext, aad);
    this.seq++;
    return ct;
  }

  /** RFC 9180 §5.2 ContextR.Open: null when authentication fails (the sequence number does not move). */
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    const pt = this.aead.open(this.nonce(), ciphertext, aad);
    if (pt !== null) this.seq++;
    return pt;
  }

  /** RFC 9180 §5.3 Export. */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    return this.labels.expand(this.exporterSecret, 'sec', exporterContext, length);
  }

  /** The provider this context runs on (tests compare providers). */
  get provider(): CryptoProvider {
    return this.p;
  }
}

/** RFC 9180 §5.1 KeySchedule in base mode (psk and psk_id empty). */
function keySchedule(p: CryptoProvider, suite: HpkeSuite, sharedSecret: Uint8Array, info: Uint8Array): HpkeContext {
  const { hash, aead, keyLength } = suiteParams(suite);
  const labels = new Labeled(
    p,
    hash,
    concat(utf8('HPKE'), u16(HPKE_KEM_X25519_SHA256), u16(suite.kdfId), u16(suite.aeadId)),
  );
  const pskIdHash = labels.extract(EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = labels.extract(EMPTY, 'info_hash', info);
  const context = concat(new Uint8Array([MODE_BASE]), pskIdHash, infoHash);
  const secret = labels.extract(sharedSecret, 'secret', EMPTY);
  const key = labels.expand(secret, 'key', context, keyLength);
  const baseNonce = labels.expand(secret, 'base_nonce', context, NONCE_LENGTH);
  const exporterSecret = labels.expand(secret, 'exp', context, HASH_LENGTH[hash]);
  return new HpkeContext(p, labels, aead, key, baseNonce, exporterSecret);
}

/**
 * RFC 9180 §5.1.1 SetupBaseS: encapsulates to `pkR` and returns enc and the sender context.
 * `ephemeralPrivateKey` fixes skE (test vectors); otherwise the provider draws a fresh X25519 key.
 */
export function setupBaseS(
  p: CryptoProvider,
  suite: HpkeSuite,
  pkR: Uint8Array,
  info: Uint8Array,
  ephemeralPrivateKey?: Uint8Array,
): { enc: Uint8Array; context: HpkeContext } {
  if (pkR.length !== X25519_KEY_LENGTH) throw new RangeError(`X25519 HPKE public key must be 32 bytes`);
  suiteParams(suite);
  const eph = p.generateKeyShare('x25519', ephemeralPrivateKey);
  const enc = eph.publicKey;
  const sharedSecret = extractAndExpand(p, eph.computeSecret(pkR), enc, pkR);
  return { enc, context: keySchedule(p, suite, sharedSecret, info) };
}

/** RFC 9180 §5.1.1 SetupBaseR: decapsulates `enc` with skR (the server side, for in-memory peers and tests). */
export function setupBaseR(
  p: CryptoProvider,
  suite: HpkeSuite,
  enc: Uint8Array,
  skR: Uint8Array,
  info: Uint8Array,
): HpkeContext {
  const recipient = p.generateKeyShare('x25519', skR);
  const sharedSecret = extractAndExpand(p, recipient.computeSecret(enc), enc, recipient.publicKey);
  return keySchedule(p, suite, sharedSecret, info);
}
