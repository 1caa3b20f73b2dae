/** What a report shows of one certificate of the peer's chain (describeCertificate). */
export interface CertInfo {
  der: Uint8Array;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  publicKey: string;
  publicKeyBits: number;
  sigalg: string;
  sha256: string;
}
