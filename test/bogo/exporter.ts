/**
 * SSL_export_keying_material for the shim (bssl_shim.cc DoExchange's -export-keying-material), over
 * the library's exporters (src/tls/handshake/exporter.ts) and the secrets the connection's key log
 * reports (src/cli/keymat.ts's KeymatSource, as --keymatexport uses them). To be replaced by the
 * Connection's own exporter call when it lands.
 */
import { suiteById, type ConnectionInfo, type CryptoProvider, type MessageEvent } from '../../src/index.js';
import { KeymatSource } from '../../src/cli/keymat.js';
import { exportKeyingMaterial12, exportKeyingMaterial13 } from '../../src/tls/handshake/exporter.js';
import { prfHashFor } from '../../src/tls/handshake/prf.js';

export class ShimExporter {
  private readonly src = new KeymatSource();

  keylog(line: string): void {
    this.src.keylog(line);
  }
  message(e: MessageEvent): void {
    this.src.message(e.direction, e.contentType, e.bytes);
  }

  /**
   * The exporter of the current connection state: `context` null is BoringSSL's use_context = 0
   * (TLS 1.2 leaves the context out of the seed; TLS 1.3 hashes an empty one, RFC 8446 §7.5).
   * Undefined when the secrets are not known (no handshake completed).
   */
  export(
    p: CryptoProvider,
    info: ConnectionInfo,
    label: string,
    context: Uint8Array | null,
    length: number,
  ): Uint8Array | undefined {
    const suite = info.cipherSuite === null ? undefined : suiteById(info.cipherSuite);
    if (!suite || info.version === null) return undefined;
    if (info.version === 0x0304) {
      const s = this.src.tls13;
      return s ? exportKeyingMaterial13(p, suite.hash, s, label, context, length) : undefined;
    }
    const t = this.src.tls12;
    if (!t) return undefined;
    const hash = prfHashFor(info.version, suite.hash);
    return exportKeyingMaterial12(p, hash, t.master, t.clientRandom, t.serverRandom, label, context, length);
  }
}
