/** Certificate handling for the TLS core: parsing, descriptions, chain verification, names. */
export { X509V, verifyErrorAlert, x509ErrorText } from './codes.js';
export {
  KeyUsage,
  describeCertificate,
  sharedCertificateInfo,
  formatOpensslTime,
  parseCertificate,
  parsePeerCertificate,
  sigAlgLongName,
  sigAlgShortName,
  type Extension,
  type GeneralName,
  type ParsedCertificate,
  type Subtree,
} from './cert.js';
export { canonicalName, formatName, parseNameDer, type DistinguishedName } from './name.js';
export {
  checkHostname,
  checkIpAddress,
  isIpAddress,
  matchHostname,
  parseIp,
  type HostCheckOptions,
} from './hostname.js';
export {
  MAX_SENT,
  ifcSecurityBits,
  keySecurityBits,
  verifyServerChain,
  type VerifyInput,
  type VerifyOptions,
  type VerifyProfile,
  type VerifyResult,
  type VerifyWarning,
} from './verify.js';
export { parseCrl, type CrlCheck, type ParsedCrl } from './crl.js';
export { isPublicSuffix } from './hostname.js';
