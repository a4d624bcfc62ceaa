import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultObjectEvent } from './contracts.ts';
import type { KeyVaultEmulator } from './server.ts';
import { clientOptions, FAST_POLL, staticCredential, startTestEmulator } from './test-support.ts';
import { selfSign } from './vault/x509.ts';

let emulator: KeyVaultEmulator;
let keys: KeyClient;
let certificates: CertificateClient;
let secrets: SecretClient;
const events: VaultObjectEvent[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ hooks: { onObjectEvent: (event) => events.push(event) } });
  const url = emulator.vaults['test-vault']!;
  keys = new KeyClient(url, staticCredential(), clientOptions(emulator));
  certificates = new CertificateClient(url, staticCredential(), clientOptions(emulator));
  secrets = new SecretClient(url, staticCredential(), clientOptions(emulator));
});

afterAll(() => emulator.close());

function rsaMaterial(subject: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return selfSign(privateKey, {
    subject,
    dnsNames: ['example.test'],
    validityMonths: 12,
    ekus: ['1.3.6.1.5.5.7.3.1'],
    nowSeconds: Math.floor(Date.now() / 1000),
  });
}

describe('keys through the real KeyClient', () => {
  it('creates RSA and EC keys and reads the public JWK, latest and by version', async () => {
    const rsa = await keys.createRsaKey('signing', { keySize: 2048 });
    expect(rsa.keyType).toBe('RSA');
    expect(rsa.key?.n?.length).toBe(256);
    expect(rsa.key?.d).toBeUndefined();
    const ec = await keys.createEcKey('ec-key', { curve: 'P-384' });
    expect(ec.key?.crv).toBe('P-384');
    const second = await keys.createRsaKey('signing');
    expect((await keys.getKey('signing')).properties.version).toBe(second.properties.version);
    const first = await keys.getKey('signing', { version: rsa.properties.version! });
    expect(Buffer.from(first.key!.n!).equals(Buffer.from(rsa.key!.n!))).toBe(true);
    expect(
      events.filter((e) => e.type === 'KeyNewVersionCreated' && e.objectName === 'signing'),
    ).toHaveLength(2);
  });

  it('imports a JWK and lists keys and versions', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const imported = await keys.importKey('imported', {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(jwk.x!, 'base64url'),
      y: Buffer.from(jwk.y!, 'base64url'),
    });
    expect(Buffer.from(imported.key!.x!).toString('base64url')).toBe(jwk.x);
    const names: string[] = [];
    for await (const properties of keys.listPropertiesOfKeys()) names.push(properties.name);
    expect(names).toEqual(expect.arrayContaining(['imported', 'signing', 'ec-key']));
    let versions = 0;
    for await (const _ of keys.listPropertiesOfKeyVersions('signing')) versions++;
    expect(versions).toBe(2);
  });

  it('answers 404 KeyNotFound for a missing key', async () => {
    const error = (await keys.getKey('absent').catch((e: unknown) => e)) as {
      statusCode: number;
      code: string;
    };
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('KeyNotFound');
  });
});

describe('certificates through the real CertificateClient', () => {
  it('creates a self-signed certificate through the poller, with backing secret and key', async () => {
    const poller = await certificates.beginCreateCertificate(
      'web',
      {
        subject: 'CN=web.example',
        issuerName: 'Self',
        subjectAlternativeNames: { dnsNames: ['web.example'] },
      },
      FAST_POLL,
    );
    const created = await poller.pollUntilDone();
    expect(created.name).toBe('web');
    expect(created.policy?.subject).toBe('CN=web.example');
    const certificate = await certificates.getCertificate('web');
    const x509 = new X509Certificate(Buffer.from(certificate.cer!));
    expect(x509.subject).toBe('CN=web.example');
    expect(certificate.secretId).toBe(
      `${emulator.vaults['test-vault']}/secrets/web/${certificate.properties.version}`,
    );
    expect(certificate.keyId).toBe(
      `${emulator.vaults['test-vault']}/keys/web/${certificate.properties.version}`,
    );
    const secret = await secrets.getSecret('web');
    expect(secret.properties.contentType).toBe('application/x-pkcs12');
    expect(secret.properties.managed).toBe(true);
    expect(secret.properties.certificateKeyId).toBe(certificate.keyId);
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(secret.value!)), '');
    expect(p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]).toHaveLength(1);
    const key = await keys.getKey('web');
    expect(key.properties.managed).toBe(true);
    const publicFromCert = x509.publicKey.export({ format: 'jwk' });
    expect(Buffer.from(key.key!.n!).toString('base64url')).toBe(publicFromCert.n);
    expect(
      events
        .filter((e) => e.objectName === 'web')
        .map((e) => e.type)
        .sort(),
    ).toEqual(['CertificateNewVersionCreated', 'KeyNewVersionCreated', 'SecretNewVersionCreated']);
  });

  it('imports a PEM certificate and serves it as a PEM secret', async () => {
    const material = rsaMaterial('CN=pem.example');
    const keyPem = material.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const pem = `${keyPem}${material.chainPem[0]}`;
    const imported = await certificates.importCertificate('pem-cert', Buffer.from(pem), {
      policy: { contentType: 'application/x-pem-file', issuerName: 'Unknown', subject: 'CN=pem.example' },
    });
    expect(imported.properties.x509Thumbprint).toBeInstanceOf(Uint8Array);
    const secret = await secrets.getSecret('pem-cert');
    expect(secret.properties.contentType).toBe('application/x-pem-file');
    expect(secret.value).toContain('-----BEGIN PRIVATE KEY-----');
    expect(secret.value).toContain('-----BEGIN CERTIFICATE-----');
    const byVersion = await certificates.getCertificateVersion('pem-cert', imported.properties.version!);
    expect(Buffer.from(byVersion.cer!).equals(Buffer.from(imported.cer!))).toBe(true);
  });

  it('imports a password-protected PFX and keeps it without password', async () => {
    const material = rsaMaterial('CN=pfx.example');
    const forgeKey = forge.pki.privateKeyFromPem(
      material.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    );
    const asn1 = forge.pkcs12.toPkcs12Asn1(
      forgeKey,
      [forge.pki.certificateFromPem(material.chainPem[0]!)],
      'pass',
      { algorithm: '3des' },
    );
    const pfx = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    await certificates.importCertificate('pfx-cert', pfx, { password: 'pass' });
    const certificate = await certificates.getCertificate('pfx-cert');
    expect(new X509Certificate(Buffer.from(certificate.cer!)).subject).toBe('CN=pfx.example');
    const secret = await secrets.getSecret('pfx-cert');
    expect(secret.properties.contentType).toBe('application/x-pkcs12');
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(secret.value!)), '');
    expect(
      p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]
        ?.length ?? 0,
    ).toBeGreaterThan(0);
    const key = await keys.getKey('pfx-cert');
    expect(
      createPublicKey({
        key: {
          kty: 'RSA',
          n: Buffer.from(key.key!.n!).toString('base64url'),
          e: Buffer.from(key.key!.e!).toString('base64url'),
        },
        format: 'jwk',
      }),
    ).toBeTruthy();
  });

  it('refuses an import without a private key and deletes certificates with their secret', async () => {
    const material = rsaMaterial('CN=nokey.example');
    const error = (await certificates
      .importCertificate('no-key', Buffer.from(material.chainPem[0]!), {
        policy: { contentType: 'application/x-pem-file', issuerName: 'Unknown', subject: 'CN=x' },
      })
      .catch((e: unknown) => e)) as { statusCode: number; code: string };
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('BadParameter');
    await (await certificates.beginDeleteCertificate('pem-cert', FAST_POLL)).pollUntilDone();
    expect(
      ((await secrets.getSecret('pem-cert').catch((e: unknown) => e)) as { statusCode: number }).statusCode,
    ).toBe(404);
    await (await certificates.beginRecoverDeletedCertificate('pem-cert', FAST_POLL)).pollUntilDone();
    expect((await secrets.getSecret('pem-cert')).properties.managed).toBe(true);
    const names: string[] = [];
    for await (const properties of certificates.listPropertiesOfCertificates()) names.push(properties.name!);
    expect(names).toEqual(expect.arrayContaining(['web', 'pem-cert', 'pfx-cert']));
  });
});

describe('the PFX backing secret', () => {
  it('opens with an empty password in Node TLS', async () => {
    const { createSecureContext } = await import('node:tls');
    const secret = await secrets.getSecret('web');
    expect(() =>
      createSecureContext({ pfx: Buffer.from(secret.value!, 'base64'), passphrase: '' }),
    ).not.toThrow();
  });
});
