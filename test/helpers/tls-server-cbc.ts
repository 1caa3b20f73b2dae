/**
 * A hostile MAC-then-encrypt CBC write side for the test server (RFC 5246 §6.2.3.2): handshake
 * records are sealed correctly, application data with a broken padding (the padding bytes
 * disagree with the length byte, the MAC is right) or a broken MAC (the padding is right). The
 * client must answer both with the same bad_record_mac: no padding oracle.
 */
import { concat } from '../../src/tls/codec/bytes.js';
import { HASH_LENGTH, type HashName } from '../../src/tls/codec/names.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { ContentType, type OpenedRecord, type RecordProtection } from '../../src/tls/record/protection.js';

export class TamperingCbc implements RecordProtection {
  readonly isNull = false;
  readonly maxCiphertext = 16384 + 2048;
  private seq = 0n;

  constructor(
    private readonly p: CryptoProvider,
    private readonly key: Uint8Array,
    private readonly macHash: HashName,
    private readonly macKey: Uint8Array,
    private readonly tamper: 'padding' | 'mac',
  ) {}

  seal(type: number, fragment: Uint8Array, version: number): Uint8Array {
    const header = new Uint8Array(13);
    new DataView(header.buffer).setBigUint64(0, this.seq++);
    header.set([type, version >> 8, version & 0xff, fragment.length >> 8, fragment.length & 0xff], 8);
    const mac = this.p.hmac(this.macHash, this.macKey, concat(header, fragment));
    const hostile = type === ContentType.application_data;
    if (hostile && this.tamper === 'mac') mac[0] = (mac[0] ?? 0) ^ 0x01;
    const inner = concat(fragment, mac);
    const padLen = 15 - (inner.length % 16) + 16; // one extra block of padding
    const padding = new Uint8Array(padLen + 1).fill(padLen);
    if (hostile && this.tamper === 'padding') padding[0] = (padding[0] ?? 0) ^ 0x01;
    const iv = this.p.randomBytes(16);
    const body = concat(iv, this.p.createCbc(this.key).encrypt(iv, concat(inner, padding)));
    const rec = new Uint8Array(5 + body.length);
    rec.set([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]);
    rec.set(body, 5);
    return rec;
  }

  open(): OpenedRecord {
    throw new Error('TamperingCbc is a write side only');
  }

  /** For symmetry with the product's protections (MAC length in use). */
  get macLength(): number {
    return HASH_LENGTH[this.macHash];
  }
}
