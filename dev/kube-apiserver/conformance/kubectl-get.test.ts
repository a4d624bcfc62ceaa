import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventually, uniqueName } from './eventually.ts';
import { ES_GROUP, deployment, esPath, externalSecret, readyCondition } from './fixtures.ts';
import { createObject, mergePatch, resourcePath } from './http-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

/** Splits a kubectl table into its header cells and rows, columns separated by 2+ spaces. */
function tableLines(output: string): { header: string[]; rows: string[][] } {
  const [header = '', ...rows] = output.split('\n').filter((line) => line.trim() !== '');
  const cells = (line: string) => line.trim().split(/\s{2,}/);
  return { header: cells(header), rows: rows.map(cells) };
}

describe('kubectl get', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });
  const synced = uniqueName('es-synced');
  const team = uniqueName('team');

  beforeAll(async () => {
    await createObject(
      env.server,
      esPath('default'),
      externalSecret({ name: synced, refreshInterval: '1h' }),
    );
    await mergePatch(env.server, esPath('default', synced, 'status'), {
      status: {
        refreshTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        conditions: [readyCondition('True', 'SecretSynced')],
      },
    });
  });

  it('prints a CRD table with its printer columns and their cells', async () => {
    const stdout = await env.kubectl.ok(['get', 'es', synced]);
    const { header, rows } = tableLines(stdout);
    expect(header).toEqual([
      'NAME',
      'STORETYPE',
      'STORE',
      'REFRESH INTERVAL',
      'STATUS',
      'READY',
      'LAST SYNC',
    ]);
    expect(rows).toHaveLength(1);
    const [row = []] = rows;
    expect(row.slice(0, 6)).toEqual([synced, 'SecretStore', 'azure-store', '1h', 'SecretSynced', 'True']);
    expect(row[6]).toMatch(/^\d+(s|m)/);
  });

  it('prints <none>-free empty cells for a CR without status', async () => {
    const name = uniqueName('es-new');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    const stdout = await env.kubectl.ok(['get', 'es', name, '--no-headers']);
    const line = stdout.trim();
    expect(line.startsWith(name)).toBe(true);
    expect(line).toContain('azure-store');
    expect(line).not.toContain('SecretSynced');
  });

  it('prints the built-in column sets for Deployments and Secrets', async () => {
    const name = uniqueName('web');
    await createObject(env.server, resourcePath('apps/v1', 'deployments', 'default'), deployment({ name }));
    const deploymentTable = tableLines(await env.kubectl.ok(['get', 'deployment', name]));
    expect(deploymentTable.header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deploymentTable.rows[0]?.[1]).toMatch(/^\d+\/2$/);

    const wide = tableLines(await env.kubectl.ok(['get', 'deployment', name, '-o', 'wide']));
    expect(wide.header).toEqual(expect.arrayContaining(['CONTAINERS', 'IMAGES', 'SELECTOR']));
    expect(wide.rows[0]).toEqual(expect.arrayContaining(['web', 'nginx:1.25', `app=${name}`]));

    const secret = uniqueName('secret');
    await createObject(env.server, resourcePath('v1', 'secrets', 'default'), {
      metadata: { name: secret },
      stringData: { a: 'b', c: 'd' },
    });
    const secretTable = tableLines(await env.kubectl.ok(['get', 'secret', secret]));
    expect(secretTable.header).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    expect(secretTable.rows[0]?.slice(0, 3)).toEqual([secret, 'Opaque', '2']);
  });

  it('-o yaml prints the full object', async () => {
    const document = parse(await env.kubectl.ok(['get', 'es', synced, '-o', 'yaml'])) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp: string };
      spec: unknown;
      status: unknown;
    };
    expect(document).toMatchObject({
      apiVersion: `${ES_GROUP}/v1`,
      kind: 'ExternalSecret',
      metadata: { name: synced, namespace: 'default' },
      spec: { secretStoreRef: { kind: 'SecretStore', name: 'azure-store' }, refreshInterval: '1h' },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced' }] },
    });
    expect(document.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(document.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(document.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('-o jsonpath evaluates filters', async () => {
    const stdout = await env.kubectl.ok([
      'get',
      'es',
      synced,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}/{.spec.secretStoreRef.name}',
    ]);
    expect(stdout).toBe('True/azure-store');
  });

  it('-l selects by label, with equality, set and existence selectors', async () => {
    const gold = uniqueName('es-gold');
    const silver = uniqueName('es-silver');
    await createObject(
      env.server,
      esPath('default'),
      externalSecret({ name: gold, labels: { team, tier: 'gold' } }),
    );
    await createObject(
      env.server,
      esPath('default'),
      externalSecret({ name: silver, labels: { team, tier: 'silver' } }),
    );
    const names = async (selector: string) =>
      (await env.kubectl.ok(['get', 'es', '-l', selector, '-o', 'name']))
        .trim()
        .split('\n')
        .filter(Boolean)
        .sort();

    expect(await names(`team=${team},tier=gold`)).toEqual([`externalsecret.${ES_GROUP}/${gold}`]);
    expect(await names(`team=${team},tier!=gold`)).toEqual([`externalsecret.${ES_GROUP}/${silver}`]);
    expect(await names(`team=${team},tier in (gold,silver)`)).toHaveLength(2);
    expect(await names(`team=${team},!tier`)).toEqual([]);
  });

  it('-A lists every namespace with a NAMESPACE column', async () => {
    const namespace = uniqueName('ns');
    await env.kubectl.ok(['create', 'namespace', namespace]);
    const here = uniqueName('es-here');
    const there = uniqueName('es-there');
    await createObject(env.server, esPath('default'), externalSecret({ name: here }));
    await createObject(env.server, esPath(namespace), externalSecret({ name: there, namespace }));

    const { header, rows } = tableLines(await env.kubectl.ok(['get', 'es', '-A']));
    expect(header.slice(0, 2)).toEqual(['NAMESPACE', 'NAME']);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.arrayContaining(['default', here]),
        expect.arrayContaining([namespace, there]),
      ]),
    );
    const inNamespace = await env.kubectl.ok(['get', 'es', '-n', namespace, '-o', 'name']);
    expect(inNamespace.trim()).toBe(`externalsecret.${ES_GROUP}/${there}`);
  });

  it('-w prints the initial rows and then each change', async () => {
    const name = uniqueName('es-watch');
    await createObject(env.server, esPath('default'), externalSecret({ name, refreshInterval: '1h' }));
    const watch = env.kubectl.start(['get', 'es', name, '-w', '--request-timeout=20s', '-v=6']);
    try {
      await watch.waitForOutput(new RegExp(`^NAME .*\\n${name} `, 'm'));
      // kubectl prints the row from a GET, then opens the watch: change the object only once the
      // watch is open (-v=6 logs it), or the change may land between the two and never be shown.
      await watch.waitForOutput(/watch=true.* 200 OK/, { stream: 'stderr' });
      await mergePatch(env.server, esPath('default', name), { spec: { refreshInterval: '7m30s' } });
      const output = await watch.waitForOutput(/7m30s/);
      expect(output.split('\n').filter((line) => line.startsWith(name)).length).toBeGreaterThanOrEqual(2);
    } finally {
      await watch.stop();
    }
  });

  it('-w with --request-timeout ends by itself', async () => {
    const result = await env.kubectl.run(['get', 'es', '-w', '--request-timeout=2s'], { timeoutMs: 15_000 });
    expect(result.timedOut).toBe(false);
    expect(result.stdout).toContain(synced);
  });

  it('-w exits when the server closes the watch', async () => {
    const watch = env.kubectl.start(['get', 'es', '-w'], { timeoutMs: 15_000 });
    await watch.waitForOutput(/^NAME /m);
    // kubectl lists before it watches: drop until the drop lands on an open watch.
    const dropping = setInterval(() => env.server.dropWatches(), 100);
    try {
      const result = await watch.exited;
      expect(result.timedOut).toBe(false);
      expect(result.stdout).toContain(synced);
    } finally {
      clearInterval(dropping);
    }
  });

  it('get all lists the Deployment, its ReplicaSet and its Pods', async () => {
    const name = uniqueName('all');
    await createObject(
      env.server,
      resourcePath('apps/v1', 'deployments', 'default'),
      deployment({ name, replicas: 1 }),
    );
    const stdout = await eventually(
      async () => {
        const output = await env.kubectl.ok(['get', 'all', '-o', 'name']);
        expect(output).toMatch(new RegExp(`^pod/${name}-[a-z0-9]+-[a-z0-9]+$`, 'm'));
        return output;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(stdout).toContain(`deployment.apps/${name}\n`);
    expect(stdout).toMatch(new RegExp(`^replicaset.apps/${name}-[a-z0-9]+$`, 'm'));
  });

  it('an unknown name answers NotFound and exits 1', async () => {
    const result = await env.kubectl.run(['get', 'es', 'does-not-exist']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /NotFound.*externalsecrets\.external-secrets\.io "does-not-exist" not found/,
    );
  });
});
