/**
 * The record layer's policy on what it receives outside the handshake flow: alert records
 * (BoringSSL ssl_process_alert, OpenSSL ssl3_read_bytes) and the record version once the version
 * is negotiated (OpenSSL tls_get_more_records, BoringSSL tls_open_record). RecordLayer (layer.ts)
 * reads the records and calls these.
 */
import { AlertDescription, AlertLevel, alertName } from '../codec/alerts.js';
import { ProtocolVersion } from '../codec/names.js';
import { TlsAlert, unexpectedMessage } from '../errors.js';

/** Warning alerts in a row that end the connection (OpenSSL MAX_WARN_ALERT_COUNT, TOO_MANY_WARN_ALERTS). */
export const MAX_WARN_ALERTS = 5;

/** An alert record's two bytes (RFC 8446 §6, RFC 5246 §7.2); any other length is decode_error. */
export function decodeAlert(fragment: Uint8Array): { level: number; desc: number } {
  if (fragment.length !== 2) throw new TlsAlert(AlertDescription.decode_error, 'bad alert record');
  return { level: fragment[0] ?? 0, desc: fragment[1] ?? 0 };
}

/**
 * Alerts received: a level other than warning or fatal is illegal_parameter (UNKNOWN_ALERT_TYPE);
 * close_notify ends reading; a fatal alert ends the connection. A warning is tolerated in TLS
 * 1.0-1.2 (RFC 5246 §7.2), at most MAX_WARN_ALERTS - 1 in a row; TLS 1.3 has no warnings but
 * user_canceled (RFC 8446 §6.1), so any other warning there is decode_error (BoringSSL: BAD_ALERT).
 */
export class AlertPolicy {
  /** Consecutive warning alerts (reset by any non-empty record that is not an alert). */
  private warnAlerts = 0;

  /** A non-empty record other than an alert arrived. */
  progress(): void {
    this.warnAlerts = 0;
  }

  /** Checks one received alert: 'close_notify', or the tolerated warning's description. Throws otherwise. */
  receive(level: number, desc: number, version: number | null): 'close_notify' | number {
    if (level !== AlertLevel.warning && level !== AlertLevel.fatal)
      throw new TlsAlert(AlertDescription.illegal_parameter, `unknown alert type ${level}`);
    // OpenSSL counts every warning, close_notify included, towards TOO_MANY_WARN_ALERTS.
    if (level === AlertLevel.warning && ++this.warnAlerts === MAX_WARN_ALERTS)
      throw unexpectedMessage('too many warn alerts');
    if (desc === AlertDescription.close_notify) return 'close_notify';
    if (level === AlertLevel.fatal) throw new TlsAlert(desc, '', true);
    if (version === ProtocolVersion.TLS1_3 && desc !== AlertDescription.user_canceled)
      throw new TlsAlert(AlertDescription.decode_error, `warning alert ${alertName(desc)} in TLS 1.3`);
    return desc;
  }
}

/**
 * The record version once the version is negotiated (OpenSSL tls_get_more_records, BoringSSL
 * tls_open_record: WRONG_VERSION_NUMBER). TLS 1.0-1.2: every record after the ServerHello carries
 * the negotiated version (RFC 5246 Appendix E.1), else protocol_version. TLS 1.3: every record
 * carries legacy_record_version 0x0303 (RFC 8446 §5.1); OpenSSL answers another with decode_error.
 */
export function checkRecordVersion(negotiated: number | null, version: number): void {
  if (negotiated === null) return;
  if (negotiated === ProtocolVersion.TLS1_3) {
    if (version !== ProtocolVersion.TLS1_2) throw new TlsAlert(AlertDescription.decode_error, 'wrong version number');
  } else if (version !== negotiated) {
    throw new TlsAlert(AlertDescription.protocol_version, 'wrong version number');
  }
}

/** "Alert fatal handshake_failure", as the traces print alerts. */
export function alertText(level: number, desc: number): string {
  return `Alert ${level === AlertLevel.fatal ? 'fatal' : 'warning'} ${alertName(desc)}`;
}
