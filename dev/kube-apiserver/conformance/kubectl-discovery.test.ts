import { describe, expect, it } from 'vitest';
import { ES_CATEGORY, ES_CRD_NAME, ES_GROUP, externalSecret, externalSecretCrd, toYaml } from './fixtures.ts';
import { uniqueName } from './eventually.ts';
import { useKubeEnvironment } from './test-env.ts';

/** One row of `kubectl api-resources`, keyed by its column headers. */
type ApiResourceRow = Record<string, string>;

/** Parses the fixed-width table `kubectl api-resources` prints, using the header's column starts. */
function parseTable(output: string): ApiResourceRow[] {
  const [header, ...lines] = output.split('\n').filter((line) => line.trim() !== '');
  if (!header) return [];
  const starts = [...header.matchAll(/\S+/g)].map((match) => ({ name: match[0], start: match.index }));
  return lines.map((line) => {
    const row: ApiResourceRow = {};
    starts.forEach(({ name, start }, index) => {
      const end = starts[index + 1]?.start ?? line.length;
      row[name] = line.slice(start, end).trim();
    });
    return row;
  });
}

function findResource(rows: ApiResourceRow[], name: string): ApiResourceRow | undefined {
  return rows.find((row) => row.NAME === name);
}

describe('kubectl version and discovery', () => {
  const env = useKubeEnvironment();

  it('kubectl version reports the server as v1.32', async () => {
    const stdout = await env.kubectl.ok(['version']);
    expect(stdout).toMatch(/Server Version: v1\.32\.\d+/);
  });

  it('kubectl version -o json carries major 1 and minor 32', async () => {
    const stdout = await env.kubectl.ok(['version', '-o', 'json']);
    const version = JSON.parse(stdout) as { serverVersion: { major: string; minor: string } };
    expect(version.serverVersion.major).toBe('1');
    expect(version.serverVersion.minor).toMatch(/^32\+?$/);
  });

  it('kubectl api-resources lists the built-in kinds with groups, scope and short names', async () => {
    const rows = parseTable(await env.kubectl.ok(['api-resources']));
    expect(findResource(rows, 'deployments')).toMatchObject({
      SHORTNAMES: 'deploy',
      APIVERSION: 'apps/v1',
      NAMESPACED: 'true',
      KIND: 'Deployment',
    });
    expect(findResource(rows, 'secrets')).toMatchObject({
      APIVERSION: 'v1',
      NAMESPACED: 'true',
      KIND: 'Secret',
    });
    expect(findResource(rows, 'leases')).toMatchObject({
      APIVERSION: 'coordination.k8s.io/v1',
      NAMESPACED: 'true',
      KIND: 'Lease',
    });
    expect(findResource(rows, 'customresourcedefinitions')).toMatchObject({
      SHORTNAMES: 'crd,crds',
      APIVERSION: 'apiextensions.k8s.io/v1',
      NAMESPACED: 'false',
      KIND: 'CustomResourceDefinition',
    });
    expect(findResource(rows, 'namespaces')).toMatchObject({ NAMESPACED: 'false', KIND: 'Namespace' });
  });

  it('kubectl get namespaces shows the four namespaces a cluster starts with', async () => {
    const stdout = await env.kubectl.ok(['get', 'namespaces', '-o', 'name']);
    for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect(stdout).toContain(`namespace/${namespace}\n`);
    }
  });

  describe('a CRD applied with kubectl', () => {
    it('is created, becomes Established, and is listed by kubectl get crd', async () => {
      const applied = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(externalSecretCrd()) });
      expect(applied).toContain(`customresourcedefinition.apiextensions.k8s.io/${ES_CRD_NAME} created`);

      const waited = await env.kubectl.ok([
        'wait',
        '--for=condition=Established',
        `crd/${ES_CRD_NAME}`,
        '--timeout=20s',
      ]);
      expect(waited).toContain('condition met');

      const table = await env.kubectl.ok(['get', 'crd']);
      expect(table).toMatch(/^NAME\s+CREATED AT/);
      expect(table).toContain(ES_CRD_NAME);
    });

    it('reports NamesAccepted, acceptedNames and storedVersions in its status', async () => {
      const stdout = await env.kubectl.ok(['get', 'crd', ES_CRD_NAME, '-o', 'json']);
      const crd = JSON.parse(stdout) as {
        status: {
          conditions: { type: string; status: string }[];
          acceptedNames: { kind: string; shortNames?: string[] };
          storedVersions: string[];
        };
      };
      expect(crd.status.conditions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'NamesAccepted', status: 'True' }),
          expect.objectContaining({ type: 'Established', status: 'True' }),
        ]),
      );
      expect(crd.status.acceptedNames).toMatchObject({ kind: 'ExternalSecret', shortNames: ['es'] });
      expect(crd.status.storedVersions).toEqual(['v1']);
    });

    it('appears in kubectl api-resources with its short name, and by API group and category', async () => {
      const rows = parseTable(await env.kubectl.ok(['api-resources']));
      expect(findResource(rows, 'externalsecrets')).toMatchObject({
        SHORTNAMES: 'es',
        APIVERSION: `${ES_GROUP}/v1`,
        NAMESPACED: 'true',
        KIND: 'ExternalSecret',
      });

      const byGroup = parseTable(await env.kubectl.ok(['api-resources', `--api-group=${ES_GROUP}`]));
      expect(byGroup.map((row) => row.NAME)).toEqual(['externalsecrets']);

      const byCategory = await env.kubectl.ok(['api-resources', `--categories=${ES_CATEGORY}`, '-o', 'name']);
      expect(byCategory.trim()).toBe(`externalsecrets.${ES_GROUP}`);
    });

    it('serves custom resources by short name and by category right after the CRD exists', async () => {
      const name = uniqueName('es');
      await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(externalSecret({ name })) });
      expect(await env.kubectl.ok(['get', 'es', name, '-o', 'name'])).toBe(
        `externalsecret.${ES_GROUP}/${name}\n`,
      );
      expect(await env.kubectl.ok(['get', ES_CATEGORY, '-o', 'name'])).toContain(
        `externalsecret.${ES_GROUP}/${name}`,
      );
    });

    it('kubectl api-versions lists the CRD group versions', async () => {
      const stdout = await env.kubectl.ok(['api-versions']);
      const versions = stdout.trim().split('\n');
      expect(versions).toEqual(
        expect.arrayContaining([
          'v1',
          'apps/v1',
          'coordination.k8s.io/v1',
          `${ES_GROUP}/v1`,
          `${ES_GROUP}/v1beta1`,
        ]),
      );
    });
  });
});
