/**
 * TLS 1.3 extras of s_client (issue 18 items 3 and 4): 0-RTT early data (-early_data <file>, plus
 * --expect-early-data) and post-handshake client authentication (-enable_pha). A file that cannot
 * be read is a UsageError (exit 2) before anything is sent.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { fileProblem } from './files.js';

/** What the TLS 1.3 extras add to CliOptions. */
export interface Tls13ExtraOptions {
  /** --early-data: the file's bytes, sent as 0-RTT data on a resumption whose ticket allows it. */
  earlyData: Uint8Array | null;
  /** --expect-early-data: exit 4 unless every resumption attempt had its early data accepted. */
  expectEarlyData: boolean;
  /** --enable-pha: offer post_handshake_auth and answer a post-handshake CertificateRequest. */
  enablePha: boolean;
}

/** Sessions group additions: early data. */
export function addEarlyDataOptions(p: Command): void {
  p.option(
    '--early-data <file>',
    'TLS 1.3: send the file as 0-RTT early data when resuming with a ticket that allows it (replayable!)',
  );
  p.option('--expect-early-data', 'exit with code 4 unless the early data was accepted on every resumption');
}

/** Connection group addition: post-handshake authentication. */
export function addPhaOption(p: Command): void {
  p.option('--enable-pha', 'TLS 1.3: allow post-handshake client authentication (answered with --cert/--key)');
}

/** Validates the TLS 1.3 extras; reads the --early-data file now (exit 2 when it cannot be read). */
export function validateTls13Options(o: Record<string, unknown>): Tls13ExtraOptions {
  const file = typeof o['earlyData'] === 'string' ? o['earlyData'] : null;
  const expectEarlyData = o['expectEarlyData'] === true;
  if (expectEarlyData && file === null) throw new UsageError('--expect-early-data needs --early-data <file>');
  let earlyData: Uint8Array | null = null;
  if (file !== null) {
    try {
      earlyData = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw fileProblem('--early-data', file, 'read', e);
    }
  }
  return { earlyData, expectEarlyData, enablePha: o['enablePha'] === true };
}
