import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import type { CertificateClient } from '@azure/keyvault-certificates';
import type { KeyClient } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { selfSign } from '../vault/x509.ts';
import { CREDENTIAL_KINDS, FAST_POLL, failureOf, useConformanceHarness } from './harness.ts';

// What kvsync's `cert/` and `key/` objects need, through the unmodified CertificateClient and
// KeyClient, once per credential kind: create and import (PEM, PFX), get by version, the
// backing secret, and the public JWK of a key.

const harness = useConformanceHarness();

function selfSigned(subject: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const material = selfSign(privateKey, {
    subject,
    dnsNames: ['conformance.test'],
    validityMonths: 12,
    ekus: ['1.3.6.1.5.5.7.3.1'],
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  return { privateKey, certPem: material.chainPem[0]! };
}

function pfxOf(material: ReturnType<typeof selfSigned>, password: string): Uint8Array {
  const key = forge.pki.privateKeyFromPem(
    material.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  );
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [forge.pki.certificateFromPem(material.certPem)], password, {
    algorithm: '3des',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

describe.each(CREDENTIAL_KINDS)('certificates and keys through %s', (kind) => {
  let certificates: CertificateClient;
  let keys: KeyClient;
  let secrets: SecretClient;
  beforeAll(() => {
    certificates = harness().certificates(kind);
    keys = harness().keys(kind);
    secrets = harness().secrets(kind);
  });

  it('creates a self-signed certificate through the poller and gets it by version', async () => {
    const policy = { subject: 'CN=created.conformance.test', issuerName: 'Self' as const };
    const first = await (
      await certificates.beginCreateCertificate('created', policy, FAST_POLL)
    ).pollUntilDone();
    const second = await (
      await certificates.beginCreateCertificate('created', policy, FAST_POLL)
    ).pollUntilDone();
    const latest = await certificates.getCertificate('created');
    expect(latest.properties.version).toBe(second.properties.version);
    expect(latest.policy?.subject).toBe('CN=created.conformance.test');
    const older = await certificates.getCertificateVersion('created', first.properties.version!);
    expect(Buffer.from(older.cer!).equals(Buffer.from(first.cer!))).toBe(true);
    expect(new X509Certificate(Buffer.from(older.cer!)).subject).toBe('CN=created.conformance.test');
  });

  it('imports a PEM certificate with its key and serves the backing secret as PEM', async () => {
    const material = selfSigned('CN=pem.conformance.test');
    const keyPem = material.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const imported = await certificates.importCertificate(
      'imported-pem',
      Buffer.from(`${keyPem}${material.certPem}`),
      {
        policy: {
          contentType: 'application/x-pem-file',
          issuerName: 'Unknown',
          subject: 'CN=pem.conformance.test',
        },
      },
    );
    const byVersion = await certificates.getCertificateVersion('imported-pem', imported.properties.version!);
    expect(new X509Certificate(Buffer.from(byVersion.cer!)).fingerprint).toBe(
      new X509Certificate(material.certPem).fingerprint,
    );
    const backing = await secrets.getSecret('imported-pem');
    expect(backing.properties).toMatchObject({ contentType: 'application/x-pem-file', managed: true });
    expect(backing.value).toContain('-----BEGIN CERTIFICATE-----');
    expect(backing.value).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('imports a password-protected PFX and serves the backing secret as a PFX without password', async () => {
    const material = selfSigned('CN=pfx.conformance.test');
    await certificates.importCertificate('imported-pfx', pfxOf(material, 'import-password'), {
      password: 'import-password',
    });
    const certificate = await certificates.getCertificate('imported-pfx');
    expect(new X509Certificate(Buffer.from(certificate.cer!)).subject).toBe('CN=pfx.conformance.test');
    const backing = await secrets.getSecret('imported-pfx');
    expect(backing.properties.contentType).toBe('application/x-pkcs12');
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(backing.value!)), '');
    expect(p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]).toHaveLength(1);
  });

  it("gets a key's public JWK (latest and by version), never the private part", async () => {
    const material = selfSigned('CN=key.conformance.test');
    const keyPem = material.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const imported = await certificates.importCertificate(
      'keyed',
      Buffer.from(`${keyPem}${material.certPem}`),
      {
        policy: {
          contentType: 'application/x-pem-file',
          issuerName: 'Unknown',
          subject: 'CN=key.conformance.test',
        },
      },
    );
    const key = await keys.getKey('keyed');
    expect(key.keyType).toBe('RSA');
    expect(key.key?.d).toBeUndefined();
    expect(key.properties.managed).toBe(true);
    const expected = material.privateKey.export({ format: 'jwk' });
    expect(Buffer.from(key.key!.n!).toString('base64url')).toBe(expected.n);
    expect(Buffer.from(key.key!.e!).toString('base64url')).toBe(expected.e);
    const byVersion = await keys.getKey('keyed', { version: imported.properties.version! });
    expect(byVersion.id).toBe(key.id);
    const created = await keys.createEcKey('signing', { curve: 'P-256' });
    expect((await keys.getKey('signing')).key?.crv).toBe('P-256');
    expect(created.key?.d).toBeUndefined();
  });

  it('answers 404 CertificateNotFound and KeyNotFound for missing objects', async () => {
    expect(await failureOf(certificates.getCertificate('absent'))).toMatchObject({
      statusCode: 404,
      code: 'CertificateNotFound',
    });
    expect(await failureOf(keys.getKey('absent'))).toMatchObject({ statusCode: 404, code: 'KeyNotFound' });
  });
});
