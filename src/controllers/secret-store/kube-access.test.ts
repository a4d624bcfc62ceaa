import { beforeEach, describe, expect, it } from 'vitest';
import { isKvsyncError, type KvsyncErrorCode } from '../../errors.ts';
import { FakeKube } from '../test-support.ts';
import { kubeAccessFor } from './kube-access.ts';

async function errorOf(promise: Promise<unknown>): Promise<{ code: KvsyncErrorCode; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isKvsyncError(error)) return error;
    throw error;
  }
  throw new Error('expected a KvsyncError');
}

describe('kubeAccessFor', () => {
  let kube: FakeKube;
  beforeEach(() => {
    kube = new FakeKube();
    kube.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sp', namespace: 'apps' },
      data: { 'client-secret': Buffer.from('s3cr3t-value').toString('base64') },
    });
    kube.seed({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'web',
        namespace: 'apps',
        annotations: { 'azure.workload.identity/client-id': 'cid' },
      },
    });
    kube.seed({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bare', namespace: 'apps' } });
  });

  it('reads one key of a Secret, decoded', async () => {
    const value = await kubeAccessFor(kube).readSecretKey({
      namespace: 'apps',
      name: 'sp',
      key: 'client-secret',
    });
    expect(value.toString('utf8')).toBe('s3cr3t-value');
  });

  it.each([
    ['a missing Secret', { namespace: 'apps', name: 'nope', key: 'client-secret' }, 'apps/nope'],
    ['a missing key', { namespace: 'apps', name: 'sp', key: 'client-id' }, 'client-id'],
  ])('refuses %s with ERR_INVALID_PROVIDER_CONFIG naming it, never a value', async (_what, ref, named) => {
    const error = await errorOf(kubeAccessFor(kube).readSecretKey(ref));
    expect(error.code).toBe('ERR_INVALID_PROVIDER_CONFIG');
    expect(error.message).toContain(named);
    expect(error.message).not.toContain('s3cr3t-value');
    expect(error.message).not.toContain(Buffer.from('s3cr3t-value').toString('base64'));
  });

  it("returns a ServiceAccount's annotations, empty when it has none", async () => {
    const access = kubeAccessFor(kube);
    expect(await access.serviceAccountAnnotations('apps', 'web')).toEqual({
      'azure.workload.identity/client-id': 'cid',
    });
    expect(await access.serviceAccountAnnotations('apps', 'bare')).toEqual({});
  });

  it('refuses a missing ServiceAccount with ERR_INVALID_PROVIDER_CONFIG', async () => {
    const error = await errorOf(kubeAccessFor(kube).serviceAccountAnnotations('apps', 'ghost'));
    expect(error.code).toBe('ERR_INVALID_PROVIDER_CONFIG');
    expect(error.message).toContain('apps/ghost');
  });

  it('requests a one-hour token for the ServiceAccount with the audiences asked for', async () => {
    const token = await kubeAccessFor(kube).createServiceAccountToken('apps', 'web', [
      'api://AzureADTokenExchange',
    ]);
    expect(token).toBe('token-for-apps-web');
    expect(kube.calls.at(-1)).toEqual({
      verb: 'token',
      kind: 'ServiceAccount',
      key: 'apps/web',
      body: { audiences: ['api://AzureADTokenExchange'], expirationSeconds: 3600 },
    });
  });
});
