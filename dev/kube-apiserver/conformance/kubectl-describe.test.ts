import { describe, expect, it } from 'vitest';
import { eventually, uniqueName } from './eventually.ts';
import { ES_GROUP, deployment, esPath, externalSecret } from './fixtures.ts';
import {
  createObject,
  readObject,
  resourcePath,
  type KubeObjectBody,
  type ServerEndpoint,
} from './http-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

interface EventOptions {
  involved: KubeObjectBody;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
}

/** Records a core/v1 Event about `involved`, as a controller's event recorder would. */
async function recordEvent(
  server: ServerEndpoint,
  { involved, reason, message, type = 'Normal' }: EventOptions,
) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const namespace = involved.metadata.namespace ?? 'default';
  return createObject(server, resourcePath('v1', 'events', namespace), {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: uniqueName(`${involved.metadata.name}.event`), namespace },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
    },
    reason,
    message,
    type,
    source: { component: 'kvsync' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
}

/** The lines after `Events:` in `kubectl describe` output. */
function eventsSection(output: string): string {
  const index = output.indexOf('\nEvents:');
  expect(index, output).toBeGreaterThanOrEqual(0);
  return output.slice(index);
}

describe('kubectl describe', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  it('describes a custom resource with its spec, status and events', async () => {
    const name = uniqueName('es');
    const es = await createObject(env.server, esPath('default'), externalSecret({ name }));
    await recordEvent(env.server, {
      involved: es,
      reason: 'Updated',
      message: `Updated Secret ${name}-synced`,
    });
    await recordEvent(env.server, {
      involved: es,
      reason: 'UpdateFailed',
      message: 'could not get secret data from provider',
      type: 'Warning',
    });
    // An event about a namesake in another kind must not show up.
    await recordEvent(env.server, {
      involved: { ...es, kind: 'Secret', apiVersion: 'v1', metadata: { ...es.metadata, uid: 'other-uid' } },
      reason: 'Unrelated',
      message: 'about a Secret',
    });

    const stdout = await env.kubectl.ok(['describe', 'es', name]);
    expect(stdout).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'));
    expect(stdout).toMatch(/^Namespace:\s+default$/m);
    expect(stdout).toMatch(new RegExp(`^API Version:\\s+${ES_GROUP}/v1$`, 'm'));
    expect(stdout).toMatch(/^Kind:\s+ExternalSecret$/m);
    expect(stdout).toMatch(/Secret Store Ref:/);
    const events = eventsSection(stdout);
    expect(events).toMatch(new RegExp(`Normal\\s+Updated\\s+.*Updated Secret ${name}-synced`));
    expect(events).toMatch(/Warning\s+UpdateFailed\s+.*could not get secret data from provider/);
    expect(events).not.toContain('Unrelated');
  });

  it('shows an events.k8s.io/v1 Event (regarding, note) like a core one', async () => {
    const name = uniqueName('es-new-events');
    const es = await createObject(env.server, esPath('default'), externalSecret({ name }));
    const now = new Date().toISOString().replace(/Z$/, '000Z');
    await createObject(env.server, '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: uniqueName(`${name}.event`), namespace: 'default' },
      eventTime: now,
      regarding: {
        apiVersion: es.apiVersion,
        kind: es.kind,
        name,
        namespace: 'default',
        uid: es.metadata.uid,
      },
      reason: 'Created',
      note: `Created Secret ${name}-via-events-api`,
      type: 'Normal',
      action: 'Create',
      reportingController: 'kvsync.io/controller',
      reportingInstance: 'kvsync-0',
    });
    const stdout = await env.kubectl.ok(['describe', 'es', name]);
    expect(eventsSection(stdout)).toMatch(
      new RegExp(`Normal\\s+Created\\s+.*Created Secret ${name}-via-events-api`),
    );
  });

  it('describes a Deployment with its ReplicaSet and events', async () => {
    const name = uniqueName('web');
    const created = await createObject(
      env.server,
      resourcePath('apps/v1', 'deployments', 'default'),
      deployment({ name }),
    );
    await recordEvent(env.server, {
      involved: { ...created, apiVersion: 'apps/v1', kind: 'Deployment' },
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${name}-abc to 2`,
    });
    await eventually(async () => {
      const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
      expect(stored.status).toMatchObject({
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      });
    });

    const stdout = await env.kubectl.ok(['describe', 'deployment', name]);
    expect(stdout).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^Selector:\\s+app=${name}$`, 'm'));
    expect(stdout).toMatch(
      /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m,
    );
    expect(stdout).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(stdout).toMatch(/Image:\s+nginx:1\.25/);
    expect(stdout).toMatch(
      new RegExp(`^NewReplicaSet:\\s+${name}-[a-z0-9]+ \\(2/2 replicas created\\)$`, 'm'),
    );
    expect(eventsSection(stdout)).toMatch(/Normal\s+ScalingReplicaSet\s+.*Scaled up replica set/);
  });

  it('prints "<none>" for events when there are none', async () => {
    const name = uniqueName('es-quiet');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    const stdout = await env.kubectl.ok(['describe', 'es', name]);
    expect(stdout).toMatch(/^Events:\s+<none>$/m);
  });

  it('describe of a missing object answers NotFound', async () => {
    const result = await env.kubectl.run(['describe', 'es', 'no-such-es']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/NotFound|not found/);
  });
});

describe('kubectl annotate and label', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  it('annotate adds a key, refuses to change it without --overwrite, changes it with it, and removes it', async () => {
    const name = uniqueName('es-annotate');
    await createObject(env.server, esPath('default'), externalSecret({ name }));

    const added = await env.kubectl.ok(['annotate', 'es', name, 'kvsync.io/owner=alice']);
    expect(added.trim()).toBe(`externalsecret.${ES_GROUP}/${name} annotated`);

    const refused = await env.kubectl.run(['annotate', 'es', name, 'kvsync.io/owner=bob']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--overwrite is false');

    await env.kubectl.ok(['annotate', '--overwrite', 'es', name, 'kvsync.io/owner=bob']);
    let stored = await readObject(env.server, esPath('default', name));
    expect(stored.metadata.annotations?.['kvsync.io/owner']).toBe('bob');
    // Metadata-only changes leave a CR's generation alone.
    expect(stored.metadata.generation).toBe(1);

    await env.kubectl.ok(['annotate', 'es', name, 'kvsync.io/owner-']);
    stored = await readObject(env.server, esPath('default', name));
    expect(stored.metadata.annotations?.['kvsync.io/owner']).toBeUndefined();
  });

  it('annotate of a Deployment bumps its generation, as the real strategy does', async () => {
    const name = uniqueName('web-annotate');
    const path = resourcePath('apps/v1', 'deployments', 'default', name);
    await createObject(env.server, resourcePath('apps/v1', 'deployments', 'default'), deployment({ name }));
    await env.kubectl.ok(['annotate', 'deployment', name, 'kvsync.io/note=hello']);
    const stored = await readObject(env.server, path);
    expect(stored.metadata.annotations?.['kvsync.io/note']).toBe('hello');
    expect(stored.metadata.generation).toBe(2);
  });

  it('label adds, overwrites and removes labels, and -l finds the object', async () => {
    const name = uniqueName('es-label');
    await createObject(env.server, esPath('default'), externalSecret({ name }));

    const labelled = await env.kubectl.ok(['label', 'es', name, `tier=${name}`]);
    expect(labelled.trim()).toBe(`externalsecret.${ES_GROUP}/${name} labeled`);
    expect(await env.kubectl.ok(['get', 'es', '-l', `tier=${name}`, '-o', 'name'])).toBe(
      `externalsecret.${ES_GROUP}/${name}\n`,
    );

    const refused = await env.kubectl.run(['label', 'es', name, 'tier=other']);
    expect(refused.code).not.toBe(0);
    await env.kubectl.ok(['label', '--overwrite', 'es', name, 'tier=other']);
    await env.kubectl.ok(['label', 'es', name, 'tier-']);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.metadata.labels?.tier).toBeUndefined();
  });
});
