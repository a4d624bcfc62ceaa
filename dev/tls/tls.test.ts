import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate } from './index.ts';

describe('dev certificates', () => {
  it('issues a server certificate that chains to the CA and names its hosts', () => {
    const ca = createCertificateAuthority();
    const leaf = issueServerCertificate(ca, {
      commonName: 'localhost',
      dnsNames: ['localhost', '*.vault.azure.net'],
      ipAddresses: ['127.0.0.1'],
    });
    const caCert = new X509Certificate(ca.certPem);
    const leafCert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(leafCert.ca).toBe(false);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.checkHost('our-vault.vault.azure.net')).toBe('*.vault.azure.net');
    expect(leafCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leafCert.checkHost('example.com')).toBeUndefined();
  });
});
