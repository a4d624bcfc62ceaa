import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Certificates for the emulators, which serve HTTPS like the real services so that kubectl,
 * client-node and the Azure SDK talk to them unchanged. Keys come from Node's crypto (fast,
 * native); node-forge only assembles and signs the X.509 structures.
 */

export interface CertificateAuthority {
  /** PEM of the CA certificate: what clients trust. */
  certPem: string;
  keyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

export interface ServerCertificateOptions {
  commonName: string;
  /** DNS subject alternative names, wildcards allowed (e.g. `*.vault.azure.net`). */
  dnsNames?: string[];
  /** IP subject alternative names, e.g. `127.0.0.1`. */
  ipAddresses?: string[];
  /** Extended key usages; defaults to serverAuth only. */
  clientAuth?: boolean;
}

const VALIDITY_DAYS = 365;

function generateRsaKeyPem(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function newCertificate(publicKeyPem: string, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // Serial numbers must be positive: clear the top bit of the random bytes.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

function sign(cert: forge.pki.Certificate, signerKeyPem: string): void {
  cert.sign(forge.pki.privateKeyFromPem(signerKeyPem), forge.md.sha256.create());
}

/** Creates a fresh self-signed CA, valid for a year. Nothing is written to disk. */
export function createCertificateAuthority(commonName = 'kvsync dev CA'): CertificateAuthority {
  const { privateKeyPem, publicKeyPem } = generateRsaKeyPem();
  const cert = newCertificate(publicKeyPem, commonName);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  sign(cert, privateKeyPem);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem };
}

/** Issues a leaf certificate signed by `ca` for the given names and addresses. */
export function issueServerCertificate(
  ca: CertificateAuthority,
  options: ServerCertificateOptions,
): ServerCertificate {
  const { privateKeyPem, publicKeyPem } = generateRsaKeyPem();
  const cert = newCertificate(publicKeyPem, options.commonName);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: options.clientAuth ?? false },
    { name: 'subjectAltName', altNames },
  ]);
  sign(cert, ca.keyPem);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem };
}
