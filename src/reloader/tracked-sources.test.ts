import { describe, expect, it } from 'vitest';
import { referencedSources, sourceUses } from './references.ts';
import { reloadSelection } from './reload-config.ts';
import { trackedSources, type SourceLookup } from './tracked-sources.ts';
import type { PodSpec, SourceObject } from './types.ts';

const spec: PodSpec = {
  initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-config' } }] }],
  containers: [
    {
      name: 'app',
      env: [
        { name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'B', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      ],
      envFrom: [{ secretRef: { name: 'api' } }],
      volumeMounts: [
        { name: 'tls', mountPath: '/tls' },
        { name: 'bundle', mountPath: '/etc/ca.pem', subPath: 'ca.pem' },
      ],
    },
  ],
  volumes: [
    { name: 'tls', secret: { secretName: 'tls' } },
    {
      name: 'bundle',
      projected: { sources: [{ secret: { name: 'ca' } }, { configMap: { name: 'ca-extra' } }] },
    },
    { name: 'unused', configMap: { name: 'orphan' } },
  ],
};

describe('references', () => {
  it('finds every use and how it is consumed', () => {
    expect(sourceUses(spec)).toEqual([
      { container: 'init', kind: 'ConfigMap', name: 'init-config', via: 'envFrom' },
      { container: 'app', kind: 'Secret', name: 'db', via: 'env' },
      { container: 'app', kind: 'ConfigMap', name: 'settings', via: 'env' },
      { container: 'app', kind: 'Secret', name: 'api', via: 'envFrom' },
      { container: 'app', kind: 'Secret', name: 'tls', via: 'volume' },
      { container: 'app', kind: 'Secret', name: 'ca', via: 'subPath' },
      { container: 'app', kind: 'ConfigMap', name: 'ca-extra', via: 'subPath' },
    ]);
  });

  it('counts a pod volume no container mounts as a reference, as Reloader does', () => {
    expect([...referencedSources(spec)].sort()).toEqual([
      'ConfigMap/ca-extra',
      'ConfigMap/init-config',
      'ConfigMap/orphan',
      'ConfigMap/settings',
      'Secret/api',
      'Secret/ca',
      'Secret/db',
      'Secret/tls',
    ]);
  });
});

function lookup(
  objects: Array<{
    kind: 'Secret' | 'ConfigMap';
    name: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  }>,
): SourceLookup {
  const byKey = new Map<string, SourceObject>(
    objects.map((o) => [
      `${o.kind}/${o.name}`,
      { metadata: { name: o.name, annotations: o.annotations, labels: o.labels } },
    ]),
  );
  return {
    get: (kind, name) => byKey.get(`${kind}/${name}`),
    names: (kind) => objects.filter((o) => o.kind === kind).map((o) => o.name),
  };
}

const simple: PodSpec = {
  containers: [
    {
      name: 'app',
      env: [
        { name: 'A', valueFrom: { secretKeyRef: { name: 'db' } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'tagged' } } },
        { name: 'C', valueFrom: { configMapKeyRef: { name: 'cfg' } } },
      ],
    },
  ],
};

const cluster = lookup([
  { kind: 'Secret', name: 'db' },
  { kind: 'Secret', name: 'tagged', annotations: { 'reloader.stakater.com/match': 'true' } },
  { kind: 'Secret', name: 'other-1' },
  { kind: 'Secret', name: 'db-kvsync-last-good', labels: { 'kvsync.io/last-good-of': 'db' } },
  { kind: 'Secret', name: 'quiet', annotations: { 'reloader.stakater.com/ignore': 'true' } },
  { kind: 'ConfigMap', name: 'cfg' },
]);

describe('tracked sources', () => {
  it('auto: every referenced source that exists', () => {
    expect(
      trackedSources(reloadSelection({ 'reloader.stakater.com/auto': 'true' }), simple, cluster),
    ).toEqual(['ConfigMap/cfg', 'Secret/db', 'Secret/tagged']);
  });

  it('a reload list tracks matching sources whether referenced or not, never a last-good copy', () => {
    const selection = reloadSelection({ 'secret.reloader.stakater.com/reload': 'other-.*,db.*' });
    expect(trackedSources(selection, simple, cluster)).toEqual(['Secret/db', 'Secret/other-1']);
  });

  it('search: referenced sources marked match', () => {
    expect(
      trackedSources(reloadSelection({ 'reloader.stakater.com/search': 'true' }), simple, cluster),
    ).toEqual(['Secret/tagged']);
  });

  it('ignore and exclude win over everything', () => {
    const spec2: PodSpec = {
      containers: [
        { name: 'app', envFrom: [{ secretRef: { name: 'quiet' } }, { secretRef: { name: 'db' } }] },
      ],
    };
    const selection = reloadSelection({
      'reloader.stakater.com/auto': 'true',
      'secret.reloader.stakater.com/reload': 'quiet',
      'secrets.exclude.reloader.stakater.com/reload': 'db',
    });
    expect(trackedSources(selection, spec2, cluster)).toEqual([]);
  });

  it('a missing referenced source is not tracked', () => {
    const spec3: PodSpec = { containers: [{ name: 'app', envFrom: [{ secretRef: { name: 'not-yet' } }] }] };
    expect(trackedSources(reloadSelection({ 'reloader.stakater.com/auto': 'true' }), spec3, cluster)).toEqual(
      [],
    );
  });
});
