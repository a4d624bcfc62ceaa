import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';
import { deepFreeze, expectStatusError } from './test-helpers.ts';

type Json = Record<string, unknown>;

const webContainer = () => ({
  name: 'web',
  image: 'nginx:1.25',
  args: ['--port', '80'],
  ports: [{ containerPort: 80, protocol: 'TCP' }],
  env: [{ name: 'A', value: '1' }],
  volumeMounts: [{ name: 'data', mountPath: '/data' }],
});

const deployment = (containers: unknown[] = [webContainer()]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers,
        volumes: [{ name: 'data', emptyDir: {} }],
        tolerations: [{ key: 'a', operator: 'Exists' }],
      },
    },
  },
});

const podSpecOf = (object: unknown) => (object as { spec: { template: { spec: Json } } }).spec.template.spec;
const containersOf = (object: unknown) => podSpecOf(object).containers as Json[];

describe('applyStrategicMergePatch', () => {
  it('applies the real kubectl apply body without wiping unchanged container fields (§8.5)', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [
              {
                name: 'web',
                image: 'nginx:1.26',
                '$setElementOrder/env': [{ name: 'A' }],
                env: [{ name: 'A', value: '2' }],
              },
            ],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(deepFreeze(deployment()), deepFreeze(patch), 'Deployment');
    expect(containersOf(result)).toEqual([
      { ...webContainer(), image: 'nginx:1.26', env: [{ name: 'A', value: '2' }] },
    ]);
    expect(podSpecOf(result).volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('merges kubectl rollout restart into the template annotations', () => {
    const patch = {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-30T20:34:04Z' } },
        },
      },
    };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment');
    const expected = deployment();
    (expected.spec.template.metadata as Json).annotations = {
      'kubectl.kubernetes.io/restartedAt': '2026-11-30T20:34:04Z',
    };
    expect(result).toEqual(expected);
  });

  it('reorders a list with $setElementOrder', () => {
    const original = deployment([
      { name: 'a', image: 'a' },
      { name: 'b', image: 'b' },
      { name: 'c', image: 'c' },
    ]);
    const patch = {
      spec: {
        template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
      },
    };
    const result = applyStrategicMergePatch(original, patch, 'Deployment');
    expect(containersOf(result).map((c) => c.name)).toEqual(['c', 'a', 'b']);
    expect(containersOf(result)[0]).toEqual({ name: 'c', image: 'c' });
  });

  it('keeps server-only elements in place when $setElementOrder omits them', () => {
    const original = deployment([{ name: 'a' }, { name: 'sidecar' }, { name: 'b' }]);
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'new' }],
            containers: [{ name: 'new', image: 'n' }],
          },
        },
      },
    };
    const names = containersOf(applyStrategicMergePatch(original, patch, 'Deployment')).map((c) => c.name);
    expect(names).toEqual(['a', 'sidecar', 'b', 'new']);
  });

  it('deletes a list element with $patch: delete, as kubectl apply does when a container is dropped', () => {
    const original = deployment([webContainer(), { name: 'sidecar', image: 'busybox' }]);
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [{ $patch: 'delete', name: 'sidecar' }],
          },
        },
      },
    };
    expect(containersOf(applyStrategicMergePatch(original, patch, 'Deployment'))).toEqual([webContainer()]);
  });

  it('removes finalizers with $deleteFromPrimitiveList and merges the rest as a set', () => {
    const original = { metadata: { name: 's', finalizers: ['a', 'b', 'c'] } };
    const removed = applyStrategicMergePatch(
      original,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      'Secret',
    );
    expect(removed).toEqual({ metadata: { name: 's', finalizers: ['a', 'c'] } });
    const added = applyStrategicMergePatch(removed, { metadata: { finalizers: ['c', 'd'] } }, 'Secret');
    expect(added).toEqual({ metadata: { name: 's', finalizers: ['a', 'c', 'd'] } });
    const both = applyStrategicMergePatch(
      original,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['z'] } },
      'Secret',
    );
    expect(both).toEqual({ metadata: { name: 's', finalizers: ['b', 'c', 'z'] } });
  });

  it('orders a primitive list with $setElementOrder', () => {
    const original = { metadata: { finalizers: ['a', 'b'] } };
    const patch = { metadata: { '$setElementOrder/finalizers': ['b', 'a', 'c'], finalizers: ['c'] } };
    expect(applyStrategicMergePatch(original, patch, 'ConfigMap')).toEqual({
      metadata: { finalizers: ['b', 'a', 'c'] },
    });
  });

  it('merges ownerReferences by uid, even for unknown kinds', () => {
    const original = {
      metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'X', apiVersion: 'v1' }] },
    };
    const patch = {
      metadata: {
        ownerReferences: [
          { uid: '2', name: 'b', kind: 'X', apiVersion: 'v1' },
          { uid: '1', controller: true },
        ],
      },
    };
    const result = applyStrategicMergePatch(original, patch, 'ExternalSecret') as {
      metadata: { ownerReferences: Json[] };
    };
    // Elements the patch names take the patch's order, as upstream normalizeElementOrder does.
    expect(result.metadata.ownerReferences).toEqual([
      { uid: '2', name: 'b', kind: 'X', apiVersion: 'v1' },
      { uid: '1', name: 'a', kind: 'X', apiVersion: 'v1', controller: true },
    ]);
  });

  it('replaces other lists of unknown kinds', () => {
    const original = { spec: { data: [{ name: 'a', value: 1 }] } };
    const patch = { spec: { data: [{ name: 'b' }] } };
    expect(applyStrategicMergePatch(original, patch, 'ExternalSecret')).toEqual({
      spec: { data: [{ name: 'b' }] },
    });
  });

  it('merges ports by containerPort, volumeMounts by mountPath, volumes by name, env by name', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            volumes: [{ name: 'cache', emptyDir: {} }],
            containers: [
              {
                name: 'web',
                ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
                volumeMounts: [{ mountPath: '/data', readOnly: true }],
                env: [{ name: 'B', value: 'b' }],
              },
            ],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment');
    expect(containersOf(result)[0]).toEqual({
      ...webContainer(),
      ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }],
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: 'b' },
      ],
    });
    expect(podSpecOf(result).volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'cache', emptyDir: {} },
    ]);
  });

  it('replaces tolerations, args and envFrom', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            tolerations: [{ key: 'b', operator: 'Exists' }],
            containers: [{ name: 'web', args: ['--x'], envFrom: [{ secretRef: { name: 's' } }] }],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment');
    expect(podSpecOf(result).tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(containersOf(result)[0]).toMatchObject({ args: ['--x'], envFrom: [{ secretRef: { name: 's' } }] });
  });

  it('uses the pod spec table at Pod spec, CronJob jobTemplate and StatefulSet template', () => {
    const patch = { containers: [{ name: 'web', image: 'new' }] };
    const pod = applyStrategicMergePatch({ spec: { containers: [webContainer()] } }, { spec: patch }, 'Pod');
    expect(pod).toEqual({ spec: { containers: [{ ...webContainer(), image: 'new' }] } });
    const cron = {
      spec: { jobTemplate: { spec: { template: { spec: { containers: [webContainer()] } } } } },
    };
    const cronPatch = { spec: { jobTemplate: { spec: { template: { spec: patch } } } } };
    expect(applyStrategicMergePatch(cron, cronPatch, 'CronJob')).toEqual({
      spec: {
        jobTemplate: { spec: { template: { spec: { containers: [{ ...webContainer(), image: 'new' }] } } } },
      },
    });
    const sts = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { spec: patch } } },
      'StatefulSet',
    );
    expect(containersOf(sts)[0]).toEqual({ ...webContainer(), image: 'new' });
  });

  it('merges status conditions by type', () => {
    const original = {
      status: {
        conditions: [
          { type: 'Available', status: 'False' },
          { type: 'Progressing', status: 'True' },
        ],
      },
    };
    const patch = { status: { conditions: [{ type: 'Available', status: 'True' }] } };
    expect(applyStrategicMergePatch(original, patch, 'Deployment')).toEqual({
      status: {
        conditions: [
          { type: 'Available', status: 'True' },
          { type: 'Progressing', status: 'True' },
        ],
      },
    });
  });

  it('deletes keys set to null and does not store nulls for absent keys', () => {
    const patch = { metadata: { labels: { app: null, absent: null } }, spec: { replicas: null } };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Json & {
      metadata: Json;
      spec: Json;
    };
    expect(result.metadata.labels).toEqual({});
    expect(result.spec).not.toHaveProperty('replicas');
  });

  it('honours $retainKeys when kubectl switches the Deployment strategy', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as { spec: Json };
    expect(result.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('drops fields outside $retainKeys in a volume', () => {
    const original = { spec: { volumes: [{ name: 'v', emptyDir: {} }] } };
    const patch = {
      spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }] },
    };
    expect(applyStrategicMergePatch(original, patch, 'Pod')).toEqual({
      spec: { volumes: [{ name: 'v', secret: { secretName: 's' } }] },
    });
  });

  it('replaces a map with $patch: replace and empties it with $patch: delete', () => {
    const replaced = applyStrategicMergePatch(
      deployment(),
      { metadata: { labels: { $patch: 'replace', tier: 'x' } } },
      'Deployment',
    );
    expect((replaced as { metadata: Json }).metadata.labels).toEqual({ tier: 'x' });
    const deleted = applyStrategicMergePatch(
      deployment(),
      { metadata: { labels: { $patch: 'delete' } } },
      'Deployment',
    );
    expect((deleted as { metadata: Json }).metadata.labels).toEqual({});
    const absent = applyStrategicMergePatch(
      { metadata: {} },
      { metadata: { annotations: { $patch: 'delete' } } },
      'Pod',
    );
    expect(absent).toEqual({ metadata: {} });
    expect(applyStrategicMergePatch({ a: 1 }, { $patch: 'delete' }, 'Pod')).toEqual({});
  });

  it('treats $patch: merge as an ordinary merge', () => {
    const patch = {
      metadata: { labels: { $patch: 'merge', tier: 'x' } },
      spec: { template: { spec: { containers: [{ name: 'web', $patch: 'merge', image: 'i' }] } } },
    };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment');
    expect((result as { metadata: Json }).metadata.labels).toEqual({ app: 'web', tier: 'x' });
    expect(containersOf(result)[0]).toEqual({ ...webContainer(), image: 'i' });
  });

  it('replaces a whole list with a $patch: replace element', () => {
    const patch = {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } } },
    };
    expect(containersOf(applyStrategicMergePatch(deployment(), patch, 'Deployment'))).toEqual([
      { name: 'only', image: 'o' },
    ]);
  });

  it('adds a list the original did not have and strips directives from it', () => {
    const patch = {
      spec: {
        template: {
          spec: { initContainers: [{ name: 'init', image: 'i', env: [{ name: 'X', $patch: 'delete' }] }] },
        },
      },
    };
    expect(podSpecOf(applyStrategicMergePatch(deployment(), patch, 'Deployment')).initContainers).toEqual([
      { name: 'init', image: 'i', env: [] },
    ]);
  });

  it('treats a non-object target as empty and never mutates its arguments', () => {
    expect(applyStrategicMergePatch(undefined, { a: { b: 1 } }, 'Pod')).toEqual({ a: { b: 1 } });
    const original = deepFreeze(deployment());
    const patch = deepFreeze({
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B' }] }] } } },
    });
    const result = applyStrategicMergePatch(original, patch, 'Deployment');
    containersOf(result)[0]!.image = 'changed';
    expect(containersOf(original)[0]!.image).toBe('nginx:1.25');
  });

  describe('malformed patches answer 400 BadRequest', () => {
    it.each([
      ['a list body', [{ op: 'add' }]],
      ['an unknown $patch', { metadata: { $patch: 'explode' } }],
      ['a container without a name', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }],
      [
        'a $setElementOrder that is not a list',
        { spec: { template: { spec: { '$setElementOrder/containers': 'web' } } } },
      ],
      [
        'a $deleteFromPrimitiveList that is not a list',
        { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
      ],
      ['a $retainKeys that is not a list', { spec: { strategy: { $retainKeys: 'type' } } }],
      [
        'a field missing from $retainKeys',
        { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } },
      ],
    ])('rejects %s', (_name, patch) => {
      expectStatusError(() => applyStrategicMergePatch(deployment(), patch, 'Deployment'), 400, 'BadRequest');
    });
  });
});
