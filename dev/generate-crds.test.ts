import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  INCIDENT_EXTERNAL_SECRET_YAML,
  INCIDENT_SECRET_STORE_YAML,
  fullClusterSecretStore,
  fullExternalSecret,
  fullSecretStore,
} from '../src/api/test-fixtures.ts';
import { CRD_DIRECTORY, renderCrdFiles } from './generate-crds.ts';
import { useKubeEnvironment } from './kube-apiserver/conformance/test-env.ts';

/*
 * The committed CRDs in deploy/crds/ are what `node dev/generate-crds.ts` writes, and they work:
 * the Kubernetes API emulator accepts them, the incident's v1beta1 manifests apply unchanged
 * through kubectl (strict field validation), objects read back as v1 with the schema defaults,
 * and `kubectl get` prints ESO's columns.
 */

/** Header cells of a kubectl table (columns are separated by two or more spaces). */
function header(table: string): string[] {
  return (table.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}

/** A resource as a manifest: without status, in `namespace` when given. */
function manifest<T extends { metadata: { namespace?: string }; status?: unknown }>(
  object: T,
  namespace?: string,
) {
  const copy = structuredClone(object);
  delete copy.status;
  if (namespace) copy.metadata.namespace = namespace;
  return stringify(copy);
}

describe('deploy/crds', () => {
  it('is up to date with src/api (run `node dev/generate-crds.ts` after changing a schema)', async () => {
    const expected = renderCrdFiles();
    expect((await readdir(CRD_DIRECTORY)).sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      expect(await readFile(join(CRD_DIRECTORY, name), 'utf8'), name).toBe(text);
    }
  });
});

describe('the generated CRDs on the Kubernetes API emulator', () => {
  const env = useKubeEnvironment();
  const getJson = async (args: string[]) => JSON.parse(await env.kubectl.ok([...args, '-o', 'json']));

  it('are accepted', async () => {
    const stdout = await env.kubectl.ok(['apply', '-f', CRD_DIRECTORY]);
    expect(stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/externalsecrets.external-secrets.io created',
    );
    expect(stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/secretstores.external-secrets.io created',
    );
    expect(stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/clustersecretstores.external-secrets.io created',
    );
  });

  it('take the incident SecretStore unchanged and serve it as v1 with the provider defaults', async () => {
    const stdout = await env.kubectl.ok(['apply', '-f', '-'], { stdin: INCIDENT_SECRET_STORE_YAML });
    expect(stdout.trim()).toBe('secretstore.external-secrets.io/azure-backend created');
    const store = await getJson([
      'get',
      'secretstores.v1.external-secrets.io',
      'azure-backend',
      '-n',
      'default',
    ]);
    expect(store.apiVersion).toBe('external-secrets.io/v1');
    expect(store.spec).toEqual({
      provider: {
        azurekv: {
          authType: 'ManagedIdentity',
          vaultUrl: 'https://our-vault.vault.azure.net',
          identityId: '<managed-identity-client-id>',
          environmentType: 'PublicCloud',
          useAzureSDK: false,
        },
      },
    });
  });

  it('take the incident ExternalSecret unchanged and serve it as v1 with the CRD defaults', async () => {
    const stdout = await env.kubectl.ok(['apply', '-f', '-'], { stdin: INCIDENT_EXTERNAL_SECRET_YAML });
    expect(stdout.trim()).toBe('externalsecret.external-secrets.io/database-credentials created');
    const es = await getJson(['get', 'externalsecrets.v1.external-secrets.io', 'database-credentials']);
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'azure-backend', kind: 'SecretStore' },
      target: { name: 'database-credentials', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        {
          secretKey: 'password',
          // v1beta1 keeps ESO's strategy defaults; v1 leaves them empty.
          remoteRef: {
            key: 'postgresql-password',
            conversionStrategy: 'Default',
            decodingStrategy: 'None',
            metadataPolicy: 'None',
          },
        },
      ],
    });
  });

  it('take a full v1 ExternalSecret and stores and returns every field', async () => {
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: manifest(fullExternalSecret(), 'default') });
    const es = await getJson(['get', 'es', 'full']);
    expect(es.spec).toEqual(fullExternalSecret().spec);
  });

  it('default refreshInterval to 1h0m0s and target to Owner/Retain in v1', async () => {
    const minimal = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'minimal' },
      spec: {
        secretStoreRef: { name: 'azure-backend' },
        data: [{ secretKey: 'k', remoteRef: { key: 'r' } }],
      },
    };
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: stringify(minimal) });
    const es = await getJson(['get', 'es', 'minimal']);
    expect(es.spec).toEqual({
      ...minimal.spec,
      refreshInterval: '1h0m0s',
      target: { creationPolicy: 'Owner', deletionPolicy: 'Retain' },
    });
  });

  it('take full stores, and a store for another provider unchanged', async () => {
    await env.kubectl.ok(['create', 'namespace', 'kvsync']);
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: manifest(fullSecretStore()) });
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: manifest(fullClusterSecretStore()) });
    expect((await getJson(['get', 'ss', 'full', '-n', 'kvsync'])).spec).toEqual(fullSecretStore().spec);
    expect((await getJson(['get', 'css', 'full'])).spec).toEqual(fullClusterSecretStore().spec);

    const vault = {
      server: 'https://vault.example.com',
      path: 'secret',
      auth: { tokenSecretRef: { name: 't' } },
    };
    const other = {
      ...fullSecretStore(),
      metadata: { name: 'vault', namespace: 'kvsync' },
      spec: { provider: { vault } },
    };
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: manifest(other) });
    expect((await getJson(['get', 'ss', 'vault', '-n', 'kvsync'])).spec).toEqual({ provider: { vault } });
  });

  it('reject a misspelt field and a Secret key the schema forbids', async () => {
    const typo = INCIDENT_EXTERNAL_SECRET_YAML.replace(
      'name: database-credentials\n  namespace',
      'name: typo\n  namespace',
    ).replace('refreshInterval:', 'refreshIntervall:');
    const typoResult = await env.kubectl.run(['apply', '-f', '-'], { stdin: typo });
    expect(typoResult.code).not.toBe(0);
    expect(typoResult.stderr).toContain('refreshIntervall');

    const badKey = INCIDENT_EXTERNAL_SECRET_YAML.replace(
      'name: database-credentials\n  namespace',
      'name: bad-key\n  namespace',
    ).replace('secretKey: password', 'secretKey: "not a key"');
    const badKeyResult = await env.kubectl.run(['apply', '-f', '-'], { stdin: badKey });
    expect(badKeyResult.code).not.toBe(0);
    expect(badKeyResult.stderr).toContain('secretKey');
  });

  it('print ESO’s columns in kubectl get', async () => {
    expect(header(await env.kubectl.ok(['get', 'es']))).toEqual([
      'NAME',
      'STORETYPE',
      'STORE',
      'REFRESH INTERVAL',
      'STATUS',
      'READY',
      'LAST SYNC',
    ]);
    const row = (await env.kubectl.ok(['get', 'es', 'database-credentials', '--no-headers'])).trim();
    expect(row.split(/\s{2,}/).slice(0, 4)).toEqual([
      'database-credentials',
      'SecretStore',
      'azure-backend',
      '1h',
    ]);
    expect(header(await env.kubectl.ok(['get', 'ss', '-A']))).toEqual([
      'NAMESPACE',
      'NAME',
      'AGE',
      'STATUS',
      'CAPABILITIES',
      'READY',
    ]);
    const categories = await env.kubectl.ok(['get', 'external-secrets', '-A', '-o', 'name']);
    expect(categories).toContain('externalsecret.external-secrets.io/database-credentials');
    expect(categories).toContain('secretstore.external-secrets.io/azure-backend');
    expect(categories).toContain('clustersecretstore.external-secrets.io/full');
  });
});
