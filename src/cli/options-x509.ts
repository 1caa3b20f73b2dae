/**
 * The certificate-verification flags of issue 17 (spec/cli.md "Certificates"): --x509-strict,
 * --crl (repeatable), --crl-check, --crl-check-all, as s_client's -x509_strict, -CRL, -crl_check
 * and -crl_check_all. Kept apart from options.ts so that file does not grow with each flag family.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** What the flags ask for. */
export interface CertificateOptions {
  /** --x509-strict: the pedantic BR/RFC 5280 rules fail verification instead of warning. */
  x509Strict: boolean;
  /** --crl files, in order. */
  crl: string[];
  /** --crl-check: 'leaf'; --crl-check-all: 'all'; else 'none'. */
  crlCheck: 'none' | 'leaf' | 'all';
}

/** Adds the flags to the Verification group of the program. */
export function addCertificateOptions(p: Command): void {
  p.option('--x509-strict', 'also fail on pedantic CA/B Forum BR and RFC 5280 rules (default: warn)');
  p.option(
    '--crl <file>',
    'CRL (PEM or DER) for --crl-check; repeatable',
    (v: string, acc: string[]) => [...acc, v],
    [],
  );
  p.option('--crl-check', "check the leaf's revocation against the --crl files");
  p.option('--crl-check-all', 'check every certificate of the chain against the --crl files');
}

/** Validates the parsed flags; a CRL check without a CRL is a usage error (we never download CRLs). */
export function certificateOptions(o: Record<string, unknown>): CertificateOptions {
  const crl = Array.isArray(o['crl']) ? o['crl'].filter((v): v is string => typeof v === 'string') : [];
  const crlCheck = o['crlCheckAll'] === true ? 'all' : o['crlCheck'] === true ? 'leaf' : 'none';
  if (crlCheck !== 'none' && crl.length === 0)
    throw new UsageError(
      `--crl-check${crlCheck === 'all' ? '-all' : ''} needs --crl <file>: tls-probe does not download CRLs (see tls-probe --help)`,
    );
  return { x509Strict: o['x509Strict'] === true, crl, crlCheck };
}
