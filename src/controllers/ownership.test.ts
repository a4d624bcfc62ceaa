import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, MemoryMembership } from '../runtime/index.ts';
import type { SecretObject } from './external-secret/target.ts';
import { FakeKube } from './fake-kube.ts';
import { controllingExternalSecret } from './operator-informers.ts';
import { leaderOwnership, type Ownership } from './ownership.ts';
import { settle } from './test-support.ts';

const LEASE = {
  namespace: 'kvsync-system',
  name: 'kvsync-controller',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};
const quiet = { info: () => {}, warn: () => {} };
const hooks = { acquired: () => {}, released: async () => {} };
const running: Ownership[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((ownership) => ownership.stop()));
});

describe('leader ownership', () => {
  it('lists the other live replicas that announced a URL as peers, and leaves on stop', async () => {
    const clock = new FakeClock();
    const kube = new FakeKube();
    const membership = new MemoryMembership();
    membership.urls.set('pod-a', 'http://10.0.0.1:8080');
    membership.urls.set('pod-b', 'http://10.0.0.2:8080');
    const start = (identity: string) => {
      const ownership = leaderOwnership(kube, { ...LEASE, identity }, clock, quiet, membership);
      ownership.start(hooks);
      running.push(ownership);
      return ownership;
    };
    const a = start('pod-a');
    const b = start('pod-b');
    await settle();
    expect(await a.peers()).toEqual([{ identity: 'pod-b', url: 'http://10.0.0.2:8080' }]);
    expect(await b.peers()).toEqual([{ identity: 'pod-a', url: 'http://10.0.0.1:8080' }]);

    // A member that said no URL, or whose heartbeat is a lease duration old, is no peer.
    await membership.heartbeat('pod-c', clock.now());
    membership.urls.set('pod-d', 'http://10.0.0.4:8080');
    await membership.heartbeat('pod-d', clock.now() - LEASE.leaseDurationMs);
    expect((await a.peers()).map((peer) => peer.identity)).toEqual(['pod-b']);

    // Heart-beaten a third of a lease duration apart, so a live replica stays a peer.
    await clock.advance(LEASE.leaseDurationMs * 2);
    await settle();
    expect((await a.peers()).map((peer) => peer.identity)).toEqual(['pod-b']);

    await b.stop();
    expect(await a.peers()).toEqual([]);
  });
});

describe('controllingExternalSecret', () => {
  const secret = (ownerReferences: SecretObject['metadata']['ownerReferences']): SecretObject =>
    ({ metadata: { name: 'db-secret', namespace: 'apps', ownerReferences } }) as SecretObject;
  const reference = { apiVersion: 'external-secrets.io/v1', name: 'db', uid: 'u1' };

  it('is the ExternalSecret named by the controller reference', () => {
    expect(
      controllingExternalSecret(secret([{ ...reference, kind: 'ExternalSecret', controller: true }])),
    ).toBe('apps/db');
  });

  it('is undefined without one: a Merge target, or a Secret another kind controls', () => {
    expect(controllingExternalSecret(secret(undefined))).toBeUndefined();
    expect(controllingExternalSecret(secret([{ ...reference, kind: 'ExternalSecret' }]))).toBeUndefined();
    expect(
      controllingExternalSecret(secret([{ ...reference, kind: 'Deployment', controller: true }])),
    ).toBeUndefined();
  });
});
