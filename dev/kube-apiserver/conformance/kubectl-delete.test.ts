import { describe, expect, it } from 'vitest';
import { eventually, uniqueName } from './eventually.ts';
import { ES_GROUP, deployment, esPath, externalSecret } from './fixtures.ts';
import {
  apiRequest,
  createObject,
  isGone,
  listObjects,
  readObject,
  resourcePath,
  type KubeObjectBody,
} from './http-helper.ts';
import { describeFailure } from './kubectl-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

const HOLD_FINALIZER = 'kvsync.io/hold';

describe('kubectl delete of custom resources', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  it('deletes an object and then answers NotFound', async () => {
    const name = uniqueName('es-delete');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    const stdout = await env.kubectl.ok(['delete', 'es', name]);
    expect(stdout.trim()).toBe(`externalsecret.${ES_GROUP} "${name}" deleted`);
    expect(await isGone(env.server, esPath('default', name))).toBe(true);

    const again = await env.kubectl.run(['delete', 'es', name]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/NotFound/);
    const ignored = await env.kubectl.ok(['delete', 'es', name, '--ignore-not-found']);
    expect(ignored.trim()).toBe('');
  });

  it('deletes by label selector', async () => {
    const label = uniqueName('batch');
    const names = [uniqueName('es-a'), uniqueName('es-b')];
    for (const name of names) {
      await createObject(env.server, esPath('default'), externalSecret({ name, labels: { batch: label } }));
    }
    const stdout = await env.kubectl.ok(['delete', 'es', '-l', `batch=${label}`]);
    for (const name of names) expect(stdout).toContain(`externalsecret.${ES_GROUP} "${name}" deleted`);
    expect(await listObjects(env.server, esPath('default'), `batch=${label}`)).toEqual([]);
  });

  it('--dry-run=server reports deletion but keeps the object', async () => {
    const name = uniqueName('es-dry');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    const stdout = await env.kubectl.ok(['delete', 'es', name, '--dry-run=server']);
    expect(stdout).toContain('deleted (server dry run)');
    await readObject(env.server, esPath('default', name));
  });

  it('an object with a finalizer stays, marked for deletion, until the finalizer is removed', async () => {
    const name = uniqueName('es-final');
    const path = esPath('default', name);
    await createObject(env.server, esPath('default'), externalSecret({ name, finalizers: [HOLD_FINALIZER] }));

    // kubectl delete waits (list + watch) until the object is really gone.
    const deletion = env.kubectl.start(['delete', 'es', name, '--timeout=30s']);
    const marked = await eventually(async () => {
      const stored = await readObject(env.server, path);
      expect(stored.metadata.deletionTimestamp).toBeTruthy();
      return stored;
    });
    expect(marked.metadata.finalizers).toEqual([HOLD_FINALIZER]);

    // Still there, and updates other than removing the finalizer are accepted.
    await env.kubectl.ok(['annotate', 'es', name, 'kvsync.io/seen=yes']);
    expect(await isGone(env.server, path)).toBe(false);

    await env.kubectl.ok(['patch', 'es', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    const result = await deletion.exited;
    expect(result.code, describeFailure(['delete', 'es', name], result)).toBe(0);
    expect(result.stdout).toContain(`externalsecret.${ES_GROUP} "${name}" deleted`);
    expect(await isGone(env.server, path)).toBe(true);
  });

  it('delete --wait=false of a finalized object returns at once', async () => {
    const name = uniqueName('es-nowait');
    await createObject(env.server, esPath('default'), externalSecret({ name, finalizers: [HOLD_FINALIZER] }));
    await env.kubectl.ok(['delete', 'es', name, '--wait=false']);
    const stamped = await env.kubectl.ok(['get', 'es', name, '-o', 'jsonpath={.metadata.deletionTimestamp}']);
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT/);
    await env.kubectl.ok(['patch', 'es', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await eventually(async () => expect(await isGone(env.server, esPath('default', name))).toBe(true));
  });
});

describe('kubectl delete --cascade on a Deployment', () => {
  const env = useKubeEnvironment();

  const replicaSets = (name: string) =>
    listObjects(env.server, resourcePath('apps/v1', 'replicasets', 'default'), `app=${name}`);
  const pods = (name: string) =>
    listObjects(env.server, resourcePath('v1', 'pods', 'default'), `app=${name}`);

  /** Creates a Deployment and waits for its ReplicaSet and two Pods. */
  const deploymentWithPods = async (): Promise<{ name: string; owned: KubeObjectBody[] }> => {
    const name = uniqueName('web-cascade');
    await createObject(env.server, resourcePath('apps/v1', 'deployments', 'default'), deployment({ name }));
    const owned = await eventually(
      async () => {
        const sets = await replicaSets(name);
        const running = await pods(name);
        expect(sets).toHaveLength(1);
        expect(running).toHaveLength(2);
        return [...sets, ...running];
      },
      { timeoutMs: 10_000 },
    );
    return { name, owned };
  };

  it('a Deployment owns its ReplicaSet, which owns its Pods', async () => {
    const { name, owned } = await deploymentWithPods();
    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    const [replicaSet, ...podList] = owned;
    expect(replicaSet?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', name, uid: stored.metadata.uid, controller: true }),
    ]);
    for (const pod of podList) {
      expect(pod.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ReplicaSet', uid: replicaSet?.metadata.uid, controller: true }),
      ]);
    }
  });

  it('background (the default) removes the Deployment, then its ReplicaSet and Pods', async () => {
    const { name } = await deploymentWithPods();
    const stdout = await env.kubectl.ok(['delete', 'deployment', name]);
    expect(stdout.trim()).toBe(`deployment.apps "${name}" deleted`);
    expect(await isGone(env.server, resourcePath('apps/v1', 'deployments', 'default', name))).toBe(true);
    await eventually(async () => {
      expect(await replicaSets(name)).toEqual([]);
      expect(await pods(name)).toEqual([]);
    });
  });

  it('foreground removes the ReplicaSet and Pods before the Deployment', async () => {
    const { name } = await deploymentWithPods();
    await env.kubectl.ok(['delete', 'deployment', name, '--cascade=foreground', '--timeout=30s']);
    expect(await isGone(env.server, resourcePath('apps/v1', 'deployments', 'default', name))).toBe(true);
    expect(await replicaSets(name)).toEqual([]);
    await eventually(async () => expect(await pods(name)).toEqual([]));
  });

  it('foreground marks the owner with the foregroundDeletion finalizer while dependents remain', async () => {
    const { name, owned } = await deploymentWithPods();
    const [replicaSet] = owned;
    // A finalizer on the ReplicaSet holds the foreground deletion open long enough to observe it.
    const rsPath = resourcePath('apps/v1', 'replicasets', 'default', replicaSet?.metadata.name);
    await env.kubectl.ok([
      'patch',
      'rs',
      String(replicaSet?.metadata.name),
      '--type=merge',
      '-p',
      `{"metadata":{"finalizers":["${HOLD_FINALIZER}"]}}`,
    ]);
    await env.kubectl.ok(['delete', 'deployment', name, '--cascade=foreground', '--wait=false']);
    const deploymentPath = resourcePath('apps/v1', 'deployments', 'default', name);
    await eventually(async () => {
      const owner = await readObject(env.server, deploymentPath);
      expect(owner.metadata.deletionTimestamp).toBeTruthy();
      expect(owner.metadata.finalizers).toContain('foregroundDeletion');
      const dependent = await readObject(env.server, rsPath);
      expect(dependent.metadata.deletionTimestamp).toBeTruthy();
    });
    await env.kubectl.ok([
      'patch',
      'rs',
      String(replicaSet?.metadata.name),
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
    await eventually(async () => expect(await isGone(env.server, deploymentPath)).toBe(true));
  });

  it('orphan removes the Deployment and leaves its ReplicaSet and Pods without the owner reference', async () => {
    const { name, owned } = await deploymentWithPods();
    await env.kubectl.ok(['delete', 'deployment', name, '--cascade=orphan', '--timeout=30s']);
    expect(await isGone(env.server, resourcePath('apps/v1', 'deployments', 'default', name))).toBe(true);

    const sets = await replicaSets(name);
    expect(sets.map((set) => set.metadata.uid)).toEqual([owned[0]?.metadata.uid]);
    expect(sets[0]?.metadata.ownerReferences ?? []).toEqual([]);
    expect(await pods(name)).toHaveLength(2);
  });

  it('a Pod deleted by hand is replaced by the ReplicaSet', async () => {
    const { name, owned } = await deploymentWithPods();
    const victim = owned[1]?.metadata.name ?? '';
    const response = await apiRequest(env.server, resourcePath('v1', 'pods', 'default', victim), {
      method: 'DELETE',
    });
    expect(response.status).toBe(200);
    await eventually(async () => {
      const names = (await pods(name)).map((pod) => pod.metadata.name);
      expect(names).toHaveLength(2);
      expect(names).not.toContain(victim);
    });
  });
});
