import { CoordinationV1Api, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectApiException, loadKubeConfig } from './client-node-helper.ts';
import { uniqueName } from './eventually.ts';
import { apiRequest, expectStatus, resourcePath } from './http-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('client-node CoordinationV1Api leases', () => {
  const env = useKubeEnvironment();
  let coordination: CoordinationV1Api;
  const namespace = 'kube-node-lease';

  beforeAll(() => {
    coordination = loadKubeConfig(env.server.kubeconfig).makeApiClient(CoordinationV1Api);
  });

  const newLease = (name: string, holder: string): V1Lease => {
    const now = new V1MicroTime();
    return {
      metadata: { name, namespace },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: 15,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  };

  it('creates a Lease with V1MicroTime times and reads them back with microseconds', async () => {
    const name = uniqueName('lease');
    const created = await coordination.createNamespacedLease({ namespace, body: newLease(name, 'pod-a') });
    expect(created.spec?.holderIdentity).toBe('pod-a');
    expect(String(created.spec?.renewTime)).toMatch(MICRO_TIME);
    expect(created.metadata?.generation).toBeUndefined();

    const read = await coordination.readNamespacedLease({ name, namespace });
    expect(String(read.spec?.acquireTime)).toMatch(MICRO_TIME);
    expect(read.spec?.leaseDurationSeconds).toBe(15);
  });

  it('renews and takes over with replace, guarded by resourceVersion', async () => {
    const name = uniqueName('lease-renew');
    const created = await coordination.createNamespacedLease({ namespace, body: newLease(name, 'pod-a') });

    const renewed = await coordination.replaceNamespacedLease({
      name,
      namespace,
      body: { ...created, spec: { ...created.spec, renewTime: new V1MicroTime(Date.now() + 2000) } },
    });
    expect(String(renewed.spec?.renewTime)).toMatch(MICRO_TIME);
    expect(renewed.spec?.renewTime).not.toEqual(created.spec?.renewTime);

    // A competing candidate that read the lease before the renewal loses.
    const status = await expectApiException(
      coordination.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...created,
          spec: {
            ...created.spec,
            holderIdentity: 'pod-b',
            acquireTime: new V1MicroTime(),
            leaseTransitions: 1,
          },
        },
      }),
      409,
      'Conflict',
    );
    expect(status.message).toBe(
      `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
    expect(status.details).toMatchObject({ name, group: 'coordination.k8s.io', kind: 'leases' });

    const takenOver = await coordination.replaceNamespacedLease({
      name,
      namespace,
      body: {
        ...renewed,
        spec: {
          ...renewed.spec,
          holderIdentity: 'pod-b',
          acquireTime: new V1MicroTime(),
          leaseTransitions: 1,
        },
      },
    });
    expect(takenOver.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  });

  it('rejects a renewTime with 3 fractional digits with 400, as a real server does', async () => {
    const name = uniqueName('lease-millis');
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: new Date().toISOString() },
    };
    expect(lease.spec.renewTime).toMatch(/\.\d{3}Z$/);
    const response = await apiRequest(
      env.server,
      resourcePath('coordination.k8s.io/v1', 'leases', namespace),
      {
        method: 'POST',
        body: lease,
      },
    );
    const status = expectStatus(response, 400, 'BadRequest');
    expect(status.message).toContain('.000000');
    expect(
      (await apiRequest(env.server, resourcePath('coordination.k8s.io/v1', 'leases', namespace, name)))
        .status,
    ).toBe(404);
  });

  it('accepts a renewTime with 6 fractional digits sent raw', async () => {
    const name = uniqueName('lease-micros');
    const response = await apiRequest(
      env.server,
      resourcePath('coordination.k8s.io/v1', 'leases', namespace),
      {
        method: 'POST',
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { holderIdentity: 'pod-a', renewTime: '2026-01-02T03:04:05.123456Z' },
        },
      },
    );
    expect(response.status, response.text).toBe(201);
    expect((response.json as V1Lease).spec?.renewTime).toBe('2026-01-02T03:04:05.123456Z');
  });
});
