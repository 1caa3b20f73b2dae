/**
 * Typed errors of the TLS core. The CLI maps each class to an exit code in one place
 * (src/cli/exit.ts); nothing else decides exit codes.
 */
import { AlertDescription, alertName } from './codec/alerts.js';

/** A TLS failure that ends the connection with (or because of) an alert. */
export class TlsAlert extends Error {
  override readonly name = 'TlsAlert';
  /**
   * @param description the alert to send (or that was received)
   * @param reason OpenSSL-style reason text, e.g. "bad record mac"
   * @param received true when the peer sent this alert, false when we send it
   */
  constructor(
    readonly description: AlertDescription,
    readonly reason: string,
    readonly received = false,
  ) {
    super(
      received
        ? `received alert ${alertName(description)}` + (reason ? ` (${reason})` : '')
        : `${reason} (sent alert ${alertName(description)})`,
    );
  }
  /** The alert's name as OpenSSL spells it, e.g. "handshake_failure". */
  get alertName(): string {
    return alertName(this.description);
  }
}

/** A transport failure with an errno-like code (EPIPE, ECONNRESET, ...). */
export class SyscallError extends Error {
  override readonly name = 'SyscallError';
  constructor(
    readonly code: string,
    readonly errno: number,
    message?: string,
  ) {
    super(message ?? `${code}`);
  }
}

/** Certificate verification failed; carries OpenSSL's X509_V_ERR code and text. */
export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly depth = 0,
  ) {
    super(`certificate verify failed: ${reason} (${code})`);
  }
}

/** A malformed-input decode failure: becomes decode_error unless the caller knows better. */
export function decodeError(reason: string): TlsAlert {
  return new TlsAlert(AlertDescription.decode_error, reason);
}

/** Shorthand for the alerts the state machine raises most. */
export function illegalParameter(reason: string): TlsAlert {
  return new TlsAlert(AlertDescription.illegal_parameter, reason);
}

export function unexpectedMessage(reason: string): TlsAlert {
  return new TlsAlert(AlertDescription.unexpected_message, reason);
}

/** The peer closed the transport without close_notify (OpenSSL 3: "unexpected eof while reading"). */
export class UnexpectedEof extends Error {
  override readonly name = 'UnexpectedEof';
  /** @param afterHandshake whether the handshake had completed (then it is only a warning for the CLI) */
  constructor(readonly afterHandshake: boolean) {
    super(afterHandshake ? 'peer closed without close_notify' : 'connection closed by peer during the handshake');
  }
}
