/**
 * TLS 1.2 record protection: AES-GCM with an explicit nonce (RFC 5288), ChaCha20-Poly1305 with
 * the TLS 1.3-style nonce (RFC 7905), and AES-CBC with HMAC either encrypt-then-MAC (RFC 7366) or
 * MAC-then-encrypt (RFC 5246 §6.2.3.2) with a padding/MAC check that answers every failure the
 * same way (bad_record_mac) and does the same work whatever the padding byte says.
 */
import type { Aead, BlockCipher, CryptoProvider } from '../crypto/provider.js';
import { HASH_LENGTH, type AeadName, type HashName } from '../codec/names.js';
import { TlsAlert } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { concat, constantTimeEqual } from '../codec/bytes.js';
import {
  MAX_CIPHERTEXT_12,
  MAX_PLAINTEXT,
  RECORD_HEADER,
  ContentType,
  canSealParts,
  isRecordSealer,
  isReusingSealer,
  sealAppRecord,
  writeHeader,
  xorNonce,
  type OpenedRecord,
  type RecordProtection,
} from './protection.js';

/** seq_num(8) || type || version || length: the MAC/AEAD additional data (RFC 5246 §6.2.3). */
function additionalData(seq: bigint, type: number, version: number, length: number): Uint8Array {
  const ad = new Uint8Array(13);
  new DataView(ad.buffer).setBigUint64(0, seq);
  ad[8] = type;
  ad[9] = version >>> 8;
  ad[10] = version & 0xff;
  ad[11] = length >>> 8;
  ad[12] = length & 0xff;
  return ad;
}

function badMac(): TlsAlert {
  return new TlsAlert(AlertDescription.bad_record_mac, 'decryption failed or bad record mac');
}

function checkPlaintext(n: number): void {
  if (n > MAX_PLAINTEXT) throw new TlsAlert(AlertDescription.record_overflow, 'data length too long');
}

function record(type: number, version: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER + body.length);
  writeHeader(out, type, version, body.length);
  out.set(body, RECORD_HEADER);
  return out;
}

/** AES-GCM (explicit 8-byte nonce = sequence number, as OpenSSL) or ChaCha20-Poly1305 (implicit). */
export class Tls12AeadProtection implements RecordProtection {
  readonly isNull = false;
  readonly maxCiphertext = MAX_CIPHERTEXT_12;
  private readonly aead: Aead;
  private readonly explicit: boolean;
  private seq = 0n;

  constructor(
    p: CryptoProvider,
    name: AeadName,
    key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.aead = p.createAead(name, key);
    this.explicit = name !== 'CHACHA20-POLY1305';
  }

  private nonce(explicitPart: Uint8Array | null): Uint8Array {
    if (!this.explicit) return xorNonce(this.iv, this.seq);
    const n = new Uint8Array(12);
    n.set(this.iv.subarray(0, 4));
    if (explicitPart) n.set(explicitPart, 4);
    return n;
  }

  unseal(n: number): void {
    this.seq -= BigInt(n);
  }

  /** The record layer's application data: in parts, or whole in a ReusingSealer's own memory (recycle). */
  sealParts(type: number, fragment: Uint8Array, version: number): Uint8Array[] {
    const a = this.aead;
    if (!canSealParts(a)) return [this.seal(type, fragment, version)];
    const { prefix, nonce, ad } = this.frame(type, fragment, version);
    this.seq++;
    return sealAppRecord(a, nonce, ad, prefix, [fragment]);
  }

  recycle(): void {
    if (isReusingSealer(this.aead)) this.aead.recycle();
  }

  release(): void {
    if (isReusingSealer(this.aead)) this.aead.release();
  }

  /** RFC 5288 §3 / RFC 7905 §2: header || explicit nonce (AES-GCM only), the nonce and the additional data. */
  private frame(type: number, fragment: Uint8Array, version: number) {
    // header (5) || explicit nonce (8, AES-GCM only): what goes before the ciphertext.
    const prefixLength = RECORD_HEADER + (this.explicit ? 8 : 0);
    const prefix = new Uint8Array(prefixLength);
    writeHeader(prefix, type, version, prefixLength - RECORD_HEADER + fragment.length + 16);
    if (this.explicit) new DataView(prefix.buffer).setBigUint64(RECORD_HEADER, this.seq);
    const nonce = this.nonce(this.explicit ? prefix.subarray(RECORD_HEADER) : null);
    return { prefix, nonce, ad: additionalData(this.seq, type, version, fragment.length) };
  }

  seal(type: number, fragment: Uint8Array, version: number): Uint8Array {
    const { prefix, nonce, ad } = this.frame(type, fragment, version);
    const prefixLength = prefix.length;
    let out: Uint8Array;
    if (isRecordSealer(this.aead)) out = this.aead.sealRecord(nonce, ad, prefix, [fragment]);
    else {
      const sealed = this.aead.seal(nonce, fragment, ad);
      out = new Uint8Array(prefixLength + sealed.length);
      out.set(prefix);
      out.set(sealed, prefixLength);
    }
    this.seq++;
    return out;
  }

  open(type: number, version: number, body: Uint8Array): OpenedRecord {
    const overhead = (this.explicit ? 8 : 0) + 16;
    if (body.length < overhead) throw badMac();
    const explicitPart = this.explicit ? body.subarray(0, 8) : null;
    const ct = this.explicit ? body.subarray(8) : body;
    const nonce = this.nonce(explicitPart);
    const ad = additionalData(this.seq, type, version, ct.length - 16);
    // Only application data goes to a ReusingSealer's own memory; a handshake message may be kept.
    const a = this.aead;
    const plain =
      type === ContentType.application_data && isReusingSealer(a)
        ? a.openReusing(nonce, ct, ad)
        : a.open(nonce, ct, ad);
    if (!plain) throw badMac();
    this.seq++;
    checkPlaintext(plain.length);
    return { type, fragment: plain };
  }
}

/**
 * AES-CBC + HMAC, encrypt-then-MAC (RFC 7366) or MAC-then-encrypt (RFC 5246 §6.2.3.2). The IV is
 * explicit and random per record (TLS 1.1 and 1.2, RFC 4346 §6.2.3.2), or, when `implicitIv` is
 * given, TLS 1.0's: the key block's IV for the first record, then the last ciphertext block of the
 * previous record in the same direction (RFC 2246 §6.2.3.2). With the implicit IV, application
 * data is sent with 1/n-1 record splitting against BEAST (the first byte alone in a record, so the
 * next record's IV is unpredictable to the attacker; Go's crypto/tls and NSS do the same).
 */
export class Tls12CbcProtection implements RecordProtection {
  readonly isNull = false;
  readonly maxCiphertext = MAX_CIPHERTEXT_12;
  private readonly cbc: BlockCipher;
  private readonly macLength: number;
  private seq = 0n;
  /** TLS 1.0's chained IV; null for an explicit IV per record. */
  private chainIv: Uint8Array | null;

  constructor(
    private readonly p: CryptoProvider,
    key: Uint8Array,
    private readonly macHash: HashName,
    private readonly macKey: Uint8Array,
    private readonly encryptThenMac: boolean,
    implicitIv?: Uint8Array,
  ) {
    this.cbc = p.createCbc(key);
    this.macLength = HASH_LENGTH[macHash];
    if (implicitIv && implicitIv.length !== 16) throw new RangeError('TLS 1.0 CBC IV must be 16 bytes');
    this.chainIv = implicitIv ? implicitIv.slice() : null;
  }

  private mac(type: number, version: number, data: Uint8Array): Uint8Array {
    const ad = additionalData(this.seq, type, version, data.length);
    const m = new Uint8Array(ad.length + data.length);
    m.set(ad);
    m.set(data, ad.length);
    return this.p.hmac(this.macHash, this.macKey, m);
  }

  seal(type: number, fragment: Uint8Array, version: number): Uint8Array {
    // 1/n-1 split (TLS 1.0 only): two records, the first carrying one byte.
    if (this.chainIv && type === ContentType.application_data && fragment.length > 1) {
      return concat(
        this.sealOne(type, fragment.subarray(0, 1), version),
        this.sealOne(type, fragment.subarray(1), version),
      );
    }
    return this.sealOne(type, fragment, version);
  }

  private sealOne(type: number, fragment: Uint8Array, version: number): Uint8Array {
    const inner = this.encryptThenMac ? fragment : concat(fragment, this.mac(type, version, fragment));
    const padLen = 15 - (inner.length % 16);
    const padded = new Uint8Array(inner.length + padLen + 1);
    padded.set(inner);
    padded.fill(padLen, inner.length);
    let ct: Uint8Array;
    if (this.chainIv) {
      ct = this.cbc.encrypt(this.chainIv, padded);
      this.chainIv = ct.slice(ct.length - 16);
    } else {
      const iv = this.p.randomBytes(16);
      ct = concat(iv, this.cbc.encrypt(iv, padded));
    }
    const body = this.encryptThenMac ? concat(ct, this.mac(type, version, ct)) : ct;
    this.seq++;
    return record(type, version, body);
  }

  open(type: number, version: number, body: Uint8Array): OpenedRecord {
    return this.encryptThenMac ? this.openEtm(type, version, body) : this.openMte(type, version, body);
  }

  /** Splits IV || ciphertext (explicit) or takes the chained IV (TLS 1.0) and decrypts. */
  private decrypt(ivAndCt: Uint8Array): Uint8Array {
    if (!this.chainIv) return this.cbc.decrypt(ivAndCt.subarray(0, 16), ivAndCt.subarray(16));
    const plain = this.cbc.decrypt(this.chainIv, ivAndCt);
    this.chainIv = ivAndCt.slice(ivAndCt.length - 16);
    return plain;
  }

  /** Bytes of explicit IV in front of the ciphertext. */
  private get ivLength(): number {
    return this.chainIv ? 0 : 16;
  }

  private openEtm(type: number, version: number, body: Uint8Array): OpenedRecord {
    const ctLen = body.length - this.macLength;
    if (ctLen < this.ivLength + 16 || ctLen % 16 !== 0) throw badMac();
    const ct = body.subarray(0, ctLen);
    if (!constantTimeEqual(this.mac(type, version, ct), body.subarray(ctLen))) throw badMac();
    const plain = this.decrypt(ct);
    const pad = plain[plain.length - 1] ?? 0;
    if (pad + 1 > plain.length) throw badMac();
    for (let i = plain.length - 1 - pad; i < plain.length; i++) if (plain[i] !== pad) throw badMac();
    this.seq++;
    checkPlaintext(plain.length - pad - 1);
    return { type, fragment: plain.subarray(0, plain.length - pad - 1) };
  }

  /**
   * MAC-then-encrypt: the padding is checked with masks over a fixed window and the MAC is always
   * computed and compared, so padding and MAC failures are indistinguishable (one alert). The
   * padding bytes are then run through the HMAC too (Go's tls10MAC `extra`), so the bytes hashed
   * are the same whatever the padding length says, up to the HMAC's block rounding (Lucky 13).
   */
  private openMte(type: number, version: number, body: Uint8Array): OpenedRecord {
    const minLen = this.ivLength + Math.max(16, Math.ceil((this.macLength + 1) / 16) * 16);
    if (body.length < minLen || body.length % 16 !== 0) throw badMac();
    const plain = this.decrypt(body);
    const n = plain.length;
    const pad = plain[n - 1] ?? 0;
    // good = all ones if pad + 1 + macLength <= n and every one of the pad bytes equals pad. The
    // masks are full-width (0 or -1), not 0xff: a 255-byte padding makes pad + 1 = 256, whose bit 8
    // an 8-bit mask would drop (BoGo MaxCBCPadding).
    let good = ctMaskLe(pad + 1 + this.macLength, n);
    const window = Math.min(256, n);
    for (let i = 1; i <= window; i++) {
      const inPad = ctMaskLe(i, pad + 1);
      good &= ~inPad | ctMaskEq(plain[n - i] ?? 0, pad);
    }
    // 0 when the padding is bad (the MAC check fails anyway). `good` is an 8-bit mask and pad + 1
    // reaches 256 (RFC 5246 §6.2.3.2 allows 255 padding bytes), so widen it to 9 bits first.
    const padTotal = (pad + 1) & (good | (good << 1));
    const dataLen = n - padTotal - this.macLength;
    const data = plain.subarray(0, Math.max(0, dataLen));
    const expected = this.mac(type, version, data);
    this.p.hmac(this.macHash, this.macKey, plain.subarray(Math.max(0, dataLen) + this.macLength));
    const received = plain.subarray(Math.max(0, dataLen), Math.max(0, dataLen) + this.macLength);
    const macOk = constantTimeEqual(expected, received);
    if (!macOk || good !== -1 || dataLen < 0) throw badMac();
    this.seq++;
    checkPlaintext(data.length);
    return { type, fragment: data };
  }
}

/** -1 (all bits set) when a <= b else 0, without branching on the values (|a|, |b| < 2^30). */
export function ctMaskLe(a: number, b: number): number {
  return ~((b - a) >> 31);
}
/** -1 when a === b else 0 (a, b bytes). */
export function ctMaskEq(a: number, b: number): number {
  return ((a ^ b) - 1) >> 31;
}
