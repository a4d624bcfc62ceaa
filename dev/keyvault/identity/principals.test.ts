import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../tls/index.ts';
import { IdentityRegistryError, PrincipalRegistry } from './index.ts';

// The directory part of the registry: identities, credentials, trusted issuers, snapshots.

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('PrincipalRegistry directory', () => {
  it('derives stable object ids and resource ids, and finds identities case-insensitively', () => {
    const a = new PrincipalRegistry(TENANT).addManagedIdentity({ clientId: 'AAAA-1', name: 'web' });
    const b = new PrincipalRegistry(TENANT).addManagedIdentity({ clientId: 'aaaa-1' });
    expect(a.objectId).toBe(b.objectId);
    expect(a.objectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.resourceId).toMatch(/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/web$/);
    const registry = new PrincipalRegistry(TENANT);
    registry.addManagedIdentity({ clientId: 'AAAA-1', objectId: 'OID-1', name: 'web' });
    expect(registry.findManagedIdentity({ objectId: 'oid-1' })?.clientId).toBe('aaaa-1');
    expect(registry.findManagedIdentity({ resourceId: a.resourceId.toUpperCase() })?.clientId).toBe('aaaa-1');
    expect(registry.objectIdOf('aaaa-1')).toBe('oid-1');
    expect(registry.objectIdOf('unknown')).toBe(new PrincipalRegistry(TENANT).objectIdOf('UNKNOWN'));
  });

  it('keeps only secret hashes, accepts every added secret, and checks certificates', () => {
    const registry = new PrincipalRegistry(TENANT);
    const record = registry.addServicePrincipal({ clientId: 'sp', secret: 'one' });
    registry.addServicePrincipal({ clientId: 'sp', secret: 'two', displayName: 'ci' });
    expect(JSON.stringify(registry.snapshot())).not.toMatch(/"one"|"two"/);
    expect(record.secretHashes).toHaveLength(1);
    expect(registry.servicePrincipalSecretMatches('sp', 'two')).toBe(true);
    expect(registry.servicePrincipalSecretMatches('sp', 'three')).toBe(false);
    expect(registry.servicePrincipalSecretMatches('nobody', 'one')).toBe(false);
    expect(() => registry.addServicePrincipal({ clientId: 'sp', certificatePem: 'nope' })).toThrow(
      IdentityRegistryError,
    );
    registry.addServicePrincipal({ clientId: 'sp', certificatePem: createCertificateAuthority().certPem });
    expect(registry.findServicePrincipal('SP')?.certificatePems).toHaveLength(1);
  });

  it('replaces identical federated credentials, defaults the audience, and removes principals', () => {
    const registry = new PrincipalRegistry(TENANT);
    registry.addServicePrincipal({ clientId: 'app' });
    registry.addFederatedCredential({ clientId: 'app', issuer: 'https://iss', subject: 's' });
    registry.addFederatedCredential({
      clientId: 'app',
      issuer: 'https://iss',
      subject: 's',
      audiences: ['custom'],
    });
    registry.addFederatedCredential({ clientId: 'app', issuer: 'https://iss', subject: 't' });
    const credentials = registry.federatedCredentials('APP');
    expect(credentials.map((c) => [c.subject, c.audiences])).toEqual([
      ['s', ['custom']],
      ['t', ['api://AzureADTokenExchange']],
    ]);
    expect(() => registry.addFederatedCredential({ clientId: 'app', issuer: '', subject: 's' })).toThrow(
      /issuer/,
    );
    expect(registry.removePrincipal('app')).toBe(true);
    expect(registry.federatedCredentials('app')).toEqual([]);
    expect(registry.removePrincipal('app')).toBe(false);
  });

  it('stores trusted issuers as copies and restores a snapshot wholesale', () => {
    const registry = new PrincipalRegistry(TENANT);
    const jwks = { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: '1' }] };
    registry.addTrustedIssuer('https://kubernetes.default.svc.cluster.local', jwks);
    jwks.keys.push({ kty: 'RSA', n: 'y', e: 'AQAB', kid: '2' });
    expect(registry.trustedIssuerJwks('https://kubernetes.default.svc.cluster.local')?.keys).toHaveLength(1);
    expect(() => registry.addTrustedIssuer('https://x', {} as never)).toThrow(IdentityRegistryError);
    const saved = JSON.parse(JSON.stringify(registry.snapshot()));
    const other = new PrincipalRegistry(TENANT);
    other.addManagedIdentity({ clientId: 'gone' });
    other.restore(saved);
    expect(other.findManagedIdentity({ clientId: 'gone' })).toBeUndefined();
    expect(other.trustedIssuerJwks('https://kubernetes.default.svc.cluster.local')).toEqual(
      saved.directory.trustedIssuers[0].jwks,
    );
    expect(other.systemAssignedIdentity).toEqual(registry.systemAssignedIdentity);
  });
});
