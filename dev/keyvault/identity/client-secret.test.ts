import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate } from '../../tls/index.ts';
import { createIdentityService, type EmulatedIdentityService } from './index.ts';
import {
  IDENTITY_ENV_CLEARED,
  notFound,
  startHttpsServer,
  withEnv,
  type TestServer,
} from './test-support.ts';

// ClientSecretCredential and ClientCertificateCredential (MSAL confidential client) against the
// emulated authority over HTTPS, trusting the test CA through `tlsOptions`.

const VAULT = 'https://vault.azure.net';
const SCOPE = `${VAULT}/.default`;
const CLIENT_ID = '0f5c9a57-1d6b-4c0f-9e43-7d2a3c1b8e01';
const SECRET = 'correct horse battery staple';

let server: TestServer;
let service: EmulatedIdentityService;
let nowMs = Date.now();

beforeAll(async () => {
  server = await startHttpsServer(async (request, response, url) => {
    if (!(await service.handleAuthority(request, response, url))) notFound(response);
  });
});
afterAll(() => server.close());

beforeEach(() => {
  nowMs = Date.now();
  service = createIdentityService({ authorityHost: server.url, clock: { now: () => new Date(nowMs) } });
});

function secretCredential(
  secret: string,
  clientId = CLIENT_ID,
  tenantId = service.tenantId,
): ClientSecretCredential {
  return new ClientSecretCredential(tenantId, clientId, secret, {
    authorityHost: server.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: server.caPem },
  });
}

async function getToken(
  credential: { getToken: ClientSecretCredential['getToken'] },
  scope = SCOPE,
): Promise<string> {
  return withEnv(IDENTITY_ENV_CLEARED, async () => {
    const token = await credential.getToken(scope);
    return token.token;
  });
}

describe('ClientSecretCredential', () => {
  it('gets a token that verifies for the vault and names the service principal', async () => {
    const sp = service.principals.addServicePrincipal({
      clientId: CLIENT_ID,
      secret: SECRET,
      displayName: 'kvsync-ci',
    });
    const token = await getToken(secretCredential(SECRET));
    const verified = service.verifyAccessToken(token, VAULT);
    expect(verified).toEqual({
      principal: {
        objectId: sp.objectId,
        clientId: CLIENT_ID,
        tenantId: service.tenantId,
        kind: 'service-principal',
        displayName: 'kvsync-ci',
      },
    });
    expect(service.verifyAccessToken(token, `${VAULT}/`)).toHaveProperty('principal');
  });

  it('refuses a wrong secret with AADSTS7000215 (invalid_client)', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: SECRET });
    await expect(getToken(secretCredential('not the secret'))).rejects.toThrow(
      /invalid_client|AADSTS7000215/,
    );
  });

  it('refuses an unknown application with AADSTS700016', async () => {
    await expect(getToken(secretCredential(SECRET))).rejects.toThrow(/AADSTS700016/);
  });

  it('accepts any client id and secret in open mode', async () => {
    service.setOpenMode(true);
    const token = await getToken(secretCredential('anything', '5d1b7c3e-0000-4000-8000-000000000001'));
    const verified = service.verifyAccessToken(token, VAULT);
    expect(verified).toMatchObject({
      principal: {
        clientId: '5d1b7c3e-0000-4000-8000-000000000001',
        objectId: service.principals.objectIdOf('5d1b7c3e-0000-4000-8000-000000000001'),
        kind: 'service-principal',
      },
    });
  });

  it('accepts a rotated secret: every added secret works', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: 'old' });
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: 'new' });
    expect(service.verifyAccessToken(await getToken(secretCredential('old')), VAULT)).toHaveProperty(
      'principal',
    );
    expect(service.verifyAccessToken(await getToken(secretCredential('new')), VAULT)).toHaveProperty(
      'principal',
    );
  });

  it('issues tokens whose audience is the requested resource only', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: SECRET });
    const token = await getToken(secretCredential(SECRET), 'https://storage.azure.com/.default');
    expect(service.verifyAccessToken(token, 'https://storage.azure.com')).toHaveProperty('principal');
    expect(service.verifyAccessToken(token, VAULT)).toEqual({
      error: expect.stringMatching(/AKV10022: Invalid audience/),
    });
  });

  it('rejects tokens once the emulator clock passes their expiry', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: SECRET });
    const token = await getToken(secretCredential(SECRET));
    nowMs += 3598_000;
    expect(service.verifyAccessToken(token, VAULT)).toHaveProperty('principal');
    nowMs += 2_000;
    expect(service.verifyAccessToken(token, VAULT)).toEqual({ error: expect.stringMatching(/expired/) });
  });

  it('refuses tokens signed by another emulator instance and garbage', async () => {
    service.setOpenMode(true);
    const token = await getToken(secretCredential(SECRET));
    const other = createIdentityService({ authorityHost: server.url });
    expect(other.verifyAccessToken(token, VAULT)).toEqual({ error: expect.stringMatching(/signature/) });
    expect(service.verifyAccessToken('not-a-jwt', VAULT)).toHaveProperty('error');
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ aud: VAULT, oid: 'x', appid: 'y', tid: service.tenantId }),
    ).toString('base64url');
    expect(service.verifyAccessToken(`${header}.${forged}.${signature}`, VAULT)).toHaveProperty('error');
  });

  it('keeps verifying tokens after snapshot and restore into a new instance', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: SECRET });
    const token = await getToken(secretCredential(SECRET));
    const saved = JSON.parse(JSON.stringify(service.snapshot()));
    const restored = createIdentityService({ authorityHost: server.url, snapshot: saved });
    expect(restored.verifyAccessToken(token, VAULT)).toHaveProperty('principal');
    expect(restored.principals.servicePrincipalSecretMatches(CLIENT_ID, SECRET)).toBe(true);
    expect(JSON.stringify(saved)).not.toContain(SECRET);
  });
});

describe('ClientCertificateCredential', () => {
  const ca = createCertificateAuthority('client cert CA');
  const clientCert = issueServerCertificate(ca, { commonName: 'kvsync-client', clientAuth: true });

  function certificateCredential(pem: string): ClientCertificateCredential {
    return new ClientCertificateCredential(
      service.tenantId,
      CLIENT_ID,
      { certificate: pem },
      { authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions: { ca: server.caPem } },
    );
  }

  it('gets a token with an assertion signed by a registered certificate', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, certificatePem: clientCert.certPem });
    const token = await getToken(certificateCredential(`${clientCert.certPem}\n${clientCert.keyPem}`));
    expect(service.verifyAccessToken(token, VAULT)).toMatchObject({ principal: { clientId: CLIENT_ID } });
  });

  it('refuses an assertion signed by another certificate', async () => {
    service.principals.addServicePrincipal({ clientId: CLIENT_ID, certificatePem: clientCert.certPem });
    const other = issueServerCertificate(ca, { commonName: 'someone-else', clientAuth: true });
    await expect(getToken(certificateCredential(`${other.certPem}\n${other.keyPem}`))).rejects.toThrow(
      /AADSTS700027/,
    );
  });
});
