/**
 * The test server's side of TLS 1.3 0-RTT (RFC 8446 §4.2.10): reading early data under
 * client_early_traffic_secret until EndOfEarlyData when it accepts, and skipping the records it
 * cannot decrypt when it rejects (§4.2.10: "skip past early data"), or every protected record
 * until the second ClientHello after a HelloRetryRequest. It takes records before the record
 * layer opens them (RecordOwner.takeUnopened), so the product's record layer never sees them.
 */
import { ContentType, type Tls13Protection } from '../../src/tls/record/protection.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { unexpectedMessage } from '../../src/tls/errors.js';

type Phase =
  | { k: 'none' }
  /** Accepted: early records open under the early keys; EndOfEarlyData ends them. */
  | { k: 'accept'; early: Tls13Protection; onEnd: (eoed: Uint8Array) => void }
  /** Rejected after a ServerHello: records that do not open under the handshake keys are skipped. */
  | { k: 'skip'; trial: Tls13Protection }
  /** Rejected by a HelloRetryRequest: protected records are dropped until the second ClientHello. */
  | { k: 'drop' };

export class ServerEarlyData {
  private phase: Phase = { k: 'none' };
  /** Early application data received, one entry per record. */
  readonly received: Uint8Array[] = [];
  skipped = 0;

  accept(early: Tls13Protection, onEnd: (eoed: Uint8Array) => void): void {
    this.phase = { k: 'accept', early, onEnd };
  }
  /** `trial` is a second instance of the client's handshake-key protection (its own sequence numbers). */
  skip(trial: Tls13Protection): void {
    this.phase = { k: 'skip', trial };
  }
  drop(): void {
    this.phase = { k: 'drop' };
  }
  end(): void {
    this.phase = { k: 'none' };
  }

  /** RecordOwner.takeUnopened: true when the record was early data (taken or skipped). */
  take(type: number, body: Uint8Array): boolean {
    const ph = this.phase;
    if (ph.k === 'none' || type !== ContentType.application_data) return false;
    if (ph.k === 'drop') {
      this.skipped++;
      return true;
    }
    if (ph.k === 'skip') {
      try {
        ph.trial.open(type, ProtocolVersion.TLS1_2, body);
      } catch {
        this.skipped++;
        return true;
      }
      this.phase = { k: 'none' }; // the first record under the handshake keys: the record layer opens it
      return false;
    }
    const rec = ph.early.open(type, ProtocolVersion.TLS1_2, body);
    if (rec.type === ContentType.application_data) {
      this.received.push(rec.fragment.slice());
      return true;
    }
    // RFC 8446 §4.5: EndOfEarlyData, alone in its record, ends the early data.
    const f = rec.fragment;
    if (rec.type !== ContentType.handshake || f.length !== 4 || f[0] !== HandshakeType.end_of_early_data || f[3] !== 0)
      throw unexpectedMessage('test server: expected EndOfEarlyData');
    this.phase = { k: 'none' };
    ph.onEnd(f.slice());
    return true;
  }
}
