/**
 * The node provider's AEADs on the optional native binding (native/aead.c, issue 14): one OpenSSL
 * EVP_CIPHER_CTX per key, given a new nonce per record, as OpenSSL's own record layer runs it
 * (tls13_cipher in ssl/record/methods/tls13_meth.c). node:crypto cannot re-nonce a context, so
 * without it every record costs a cipher object and its Buffers of its own (bench/aead-floor.mjs).
 *
 * The binding is the same OpenSSL that node:crypto runs (Node exports it to addons), so results
 * are bit for bit those of nodeAead; the tag check is OpenSSL's constant-time one. Loading the
 * binding is I/O and happens in src/net/native-aead.ts; this file only uses what it is given.
 */
import type { AeadName } from '../codec/names.js';
import { checkAeadKey, checkNonce } from './node-ciphers.js';
import type { Aead, CryptoProvider } from './provider.js';

/** What native/aead.c exports (its header comment is the contract). */
export interface NativeAeadBinding {
  create(alg: number, key: Uint8Array): object;
  /** Ciphertext of the parts then the tag at out[offset..]; returns the bytes written. */
  seal(
    h: object,
    nonce: Uint8Array,
    aad: Uint8Array,
    parts: readonly Uint8Array[],
    out: Uint8Array,
    offset: number,
  ): number;
  /** sealed = ciphertext || tag; the plaintext at out[offset..]; false (out wiped) on a bad tag. */
  open(h: object, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array, offset: number): boolean;
}

/** native/aead.c's algorithm numbers. */
const ALG: Record<AeadName, number> = { 'AES-128-GCM': 0, 'AES-256-GCM': 1, 'CHACHA20-POLY1305': 2 };

/**
 * Output memory of 16 KiB records comes from slabs, as Node's Buffer pool carves small Buffers,
 * rather than each record getting an ArrayBuffer of its own: allocating, zeroing and later
 * collecting one costs about as much as sealing it. A slab is not zero-filled
 * (Buffer.allocUnsafeSlow): every view handed out is written whole by the binding first. Outputs
 * under 8 KiB (handshake messages, parts of which a session may keep for long) get exact arrays,
 * so nothing long-lived pins a slab.
 */
const SLAB_MIN = 8192;

class Slab {
  private buf: ArrayBuffer | null = null;
  private used = 0;
  constructor(private readonly size: number) {}
  take(n: number): Uint8Array {
    if (n < SLAB_MIN) return new Uint8Array(n);
    if (this.buf === null || this.used + n > this.size) {
      this.buf = Buffer.allocUnsafeSlow(Math.max(this.size, n)).buffer;
      this.used = 0;
    }
    // Unpadded: records sealed one after another lie next to each other, and the socket transport
    // writes them as one chunk (SocketTransport.writev).
    const out = new Uint8Array(this.buf, this.used, n);
    this.used += n;
    return out;
  }
  /** Writes from the start again: the caller vouches that no view taken so far is referenced. */
  rewind(): void {
    this.used = 0;
  }
  drop(): void {
    this.buf = null;
    this.used = 0;
  }
}

/**
 * The nonce and the AAD go to the binding through off-heap copies. A small Uint8Array made in JS
 * (the per-record nonce, the record header) lives on V8's heap, and handing it to Node-API moves
 * it to a malloc'd backing store, to be freed by the collector later: two mallocs and two frees
 * per record. The binding reads both before it returns, so one scratch memory serves all.
 */
const NONCE_SCRATCH = new Uint8Array(new ArrayBuffer(12));
const AAD_SCRATCH = new ArrayBuffer(32);
/** Views of AAD_SCRATCH by length: TLS 1.3's 5-byte header and TLS 1.2's 13-byte additional data. */
const aadViews: Uint8Array[] = [];
function offHeapNonce(nonce: Uint8Array): Uint8Array {
  NONCE_SCRATCH.set(nonce);
  return NONCE_SCRATCH;
}
function offHeapAad(aad: Uint8Array): Uint8Array {
  if (aad.length > AAD_SCRATCH.byteLength) return aad;
  const view = (aadViews[aad.length] ??= new Uint8Array(AAD_SCRATCH, 0, aad.length));
  view.set(aad);
  return view;
}

/** Records whose memory nobody hands back (sealRecord, seal, open): one slab for all AEADs. */
const shared = new Slab(1024 * 1024);

/**
 * A ReusingSealer (protection.ts): besides what any AEAD does, it seals application-data records
 * and opens them into an arena of its own, which the record layer rewinds once none of those
 * records is referenced (written to a transport that keeps no views; read out of the app-data
 * queue), so a bulk transfer reuses the same memory, as OpenSSL's read and write buffers are.
 */
class NativeAead implements Aead {
  private readonly h: object;
  /** 128 KiB: a write batch of four 16 KiB records (write.ts), or the records one 64 KiB socket read brings. */
  private readonly arena = new Slab(128 * 1024);
  constructor(
    private readonly binding: NativeAeadBinding,
    readonly name: AeadName,
    key: Uint8Array,
  ) {
    checkAeadKey(name, key);
    this.h = binding.create(ALG[name], key);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    checkNonce(nonce);
    const out = shared.take(plaintext.length + 16);
    this.binding.seal(this.h, offHeapNonce(nonce), offHeapAad(aad), [plaintext], out, 0);
    return out;
  }

  /** RecordSealer (protection.ts): `prefix || ciphertext || tag` in one array, the parts uncopied. */
  sealRecord(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
    return this.sealInto(shared, nonce, aad, prefix, parts);
  }

  sealRecordReusing(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
    return this.sealInto(this.arena, nonce, aad, prefix, parts);
  }

  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array | null {
    return this.openInto(shared, nonce, ciphertextAndTag, aad);
  }

  openReusing(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array | null {
    return this.openInto(this.arena, nonce, ciphertextAndTag, aad);
  }

  recycle(): void {
    this.arena.rewind();
  }

  release(): void {
    this.arena.drop();
  }

  private sealInto(
    slab: Slab,
    nonce: Uint8Array,
    aad: Uint8Array,
    prefix: Uint8Array,
    parts: readonly Uint8Array[],
  ): Uint8Array {
    checkNonce(nonce);
    let len = prefix.length + 16;
    for (const p of parts) len += p.length;
    const out = slab.take(len);
    out.set(prefix);
    this.binding.seal(this.h, offHeapNonce(nonce), offHeapAad(aad), parts, out, prefix.length);
    return out;
  }

  private openInto(slab: Slab, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | null {
    checkNonce(nonce);
    if (sealed.length < 16) return null;
    const out = slab.take(sealed.length - 16);
    return this.binding.open(this.h, offHeapNonce(nonce), offHeapAad(aad), sealed, out, 0) ? out : null;
  }
}

/** `base` (the node provider) with its AEADs on the native binding; everything else unchanged. */
export function withNativeAead(base: CryptoProvider, binding: NativeAeadBinding): CryptoProvider {
  return { ...base, createAead: (name, key) => new NativeAead(binding, name, key) };
}
