import { describe, expect, it } from 'vitest';
import { applyServerSideApply } from './server-side-apply.ts';
import { deepFreeze, expectStatusError } from './test-helpers.ts';

type Json = Record<string, unknown>;

const manifest = (containers: Json[], extra: Json = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 2, template: { spec: { containers } }, ...extra },
});

const containersOf = (object: unknown) =>
  (object as { spec: { template: { spec: { containers: Json[] } } } }).spec.template.spec.containers;

describe('applyServerSideApply', () => {
  it('creates the object from the manifest when there is no live object', () => {
    const applied = manifest([{ name: 'web', image: 'nginx' }]);
    expect(
      applyServerSideApply({ live: undefined, lastApplied: undefined, applied, kind: 'Deployment' }),
    ).toEqual(applied);
  });

  it('deletes fields the manager dropped and keeps fields others set', () => {
    const lastApplied = { metadata: { name: 'cm', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } };
    const live = {
      metadata: { name: 'cm', uid: 'u1', labels: { a: '1', b: '2', other: 'o' } },
      data: { x: '1', y: '2', z: 'kept' },
    };
    const applied = { metadata: { name: 'cm', labels: { a: '1' } }, data: { x: '9' } };
    expect(applyServerSideApply({ live, lastApplied, applied, kind: 'ConfigMap' })).toEqual({
      metadata: { name: 'cm', uid: 'u1', labels: { a: '1', other: 'o' } },
      data: { x: '9', z: 'kept' },
    });
  });

  it('merges containers by name: keeps injected sidecars and defaulted fields, drops removed containers', () => {
    const lastApplied = manifest([
      { name: 'web', image: 'nginx:1' },
      { name: 'old', image: 'busybox' },
    ]);
    const live = manifest([
      { name: 'web', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' },
      { name: 'old', image: 'busybox' },
      { name: 'injected', image: 'proxy' },
    ]);
    const applied = manifest([{ name: 'web', image: 'nginx:2' }]);
    const result = applyServerSideApply({ live, lastApplied, applied, kind: 'Deployment' });
    expect(containersOf(result)).toEqual([
      { name: 'web', image: 'nginx:2', imagePullPolicy: 'IfNotPresent' },
      { name: 'injected', image: 'proxy' },
    ]);
  });

  it('removes env entries and fields inside a container that the manager stopped applying', () => {
    const lastApplied = manifest([
      {
        name: 'web',
        image: 'i',
        args: ['a'],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
    ]);
    const live = manifest([
      {
        name: 'web',
        image: 'i',
        args: ['a'],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
    ]);
    const applied = manifest([{ name: 'web', image: 'i', env: [{ name: 'A', value: '1' }] }]);
    const result = applyServerSideApply({ live, lastApplied, applied, kind: 'Deployment' });
    expect(containersOf(result)).toEqual([{ name: 'web', image: 'i', env: [{ name: 'A', value: '1' }] }]);
  });

  it('orders merged lists as the manifest does', () => {
    const live = manifest([{ name: 'a' }, { name: 'b' }]);
    const applied = manifest([{ name: 'b' }, { name: 'a' }]);
    const result = applyServerSideApply({ live, lastApplied: live, applied, kind: 'Deployment' });
    expect(containersOf(result).map((c) => c.name)).toEqual(['b', 'a']);
  });

  it('treats finalizers as a set owned member by member', () => {
    const lastApplied = { metadata: { name: 'x', finalizers: ['mine/a', 'mine/b'] } };
    const live = { metadata: { name: 'x', finalizers: ['mine/a', 'mine/b', 'theirs/c'] } };
    const applied = { metadata: { name: 'x', finalizers: ['mine/a', 'mine/d'] } };
    expect(applyServerSideApply({ live, lastApplied, applied, kind: 'ExternalSecret' })).toEqual({
      metadata: { name: 'x', finalizers: ['mine/a', 'theirs/c', 'mine/d'] },
    });
  });

  it('replaces lists of custom resources and removes dropped spec fields', () => {
    const lastApplied = { spec: { refreshInterval: '1h', data: [{ secretKey: 'a' }, { secretKey: 'b' }] } };
    const live = {
      spec: { refreshInterval: '1h', data: [{ secretKey: 'a' }, { secretKey: 'b' }], extra: 1 },
      status: { ok: true },
    };
    const applied = { spec: { data: [{ secretKey: 'b' }] } };
    expect(applyServerSideApply({ live, lastApplied, applied, kind: 'ExternalSecret' })).toEqual({
      spec: { data: [{ secretKey: 'b' }], extra: 1 },
      status: { ok: true },
    });
  });

  it('is idempotent and does not mutate its inputs', () => {
    const applied = deepFreeze(manifest([{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }]));
    const live = deepFreeze({
      ...manifest([{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }]),
      status: {},
    });
    const once = applyServerSideApply({ live, lastApplied: applied, applied, kind: 'Deployment' });
    expect(once).toEqual(live);
    expect(applyServerSideApply({ live: once, lastApplied: applied, applied, kind: 'Deployment' })).toEqual(
      live,
    );
  });

  it('deletes a field the manifest sets to null', () => {
    const live = { data: { a: '1', b: '2' } };
    expect(
      applyServerSideApply({
        live,
        lastApplied: undefined,
        applied: { data: { a: null } },
        kind: 'ConfigMap',
      }),
    ).toEqual({
      data: { b: '2' },
    });
  });

  it('rejects a manifest that is not an object with 400', () => {
    expectStatusError(
      () => applyServerSideApply({ live: {}, lastApplied: undefined, applied: [1], kind: 'ConfigMap' }),
      400,
      'BadRequest',
    );
  });

  it('rejects a container without a name with 400', () => {
    const applied = manifest([{ image: 'x' }]);
    expectStatusError(
      () => applyServerSideApply({ live: undefined, lastApplied: undefined, applied, kind: 'Deployment' }),
      400,
      'BadRequest',
    );
  });
});
