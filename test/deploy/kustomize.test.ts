import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { useKubeEnvironment } from '../../dev/kube-apiserver/conformance/test-env.ts';
import { DEPLOY_DIRECTORY } from '../../deploy/generate.ts';
import { DEFAULT_RELEASE, renderChart } from '../../deploy/model/chart.ts';
import { CHART_EQUIVALENTS, EXAMPLE_WATCHED_NAMESPACE } from '../../deploy/model/kustomize.ts';
import { namespace } from '../../deploy/model/objects.ts';
import { renderCommittedChart } from './chart-render.ts';
import { SERVICE_MONITOR_CRD, serveMissingKinds } from './emulator-kinds.ts';

/*
 * The kustomize tree as users run it: `kubectl kustomize` builds the base, each overlay and the
 * base with each component to exactly what the chart renders for the matching values (plus
 * the namespace and the CRDs), and `kubectl apply` takes all of it on the Kubernetes API
 * emulator, whose OpenAPI and strict field validation reject unknown fields.
 */

const KUSTOMIZE = join(DEPLOY_DIRECTORY, 'kustomize');
const run = promisify(execFile);

async function kustomizeBuild(directory: string): Promise<unknown[]> {
  const { stdout } = await run('kubectl', ['kustomize', directory], { maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((document) => document.toJS() as unknown);
}

/** A throwaway kustomization: the base plus components, as a user's own overlay would be. */
async function withComponents(directory: string, components: string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kvsync-kustomize-'));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    // kustomize takes only relative paths to other kustomizations.
    resources: [relative(root, join(KUSTOMIZE, directory))],
    components: components.map((name) => relative(root, join(KUSTOMIZE, 'components', name))),
  };
  await writeFile(join(root, 'kustomization.yaml'), stringify(kustomization));
  return root;
}

function keyOf(document: unknown): string {
  const { apiVersion, kind, metadata } = document as {
    apiVersion: string;
    kind: string;
    metadata: { namespace?: string; name: string };
  };
  return `${apiVersion}/${kind}/${metadata.namespace ?? ''}/${metadata.name}`;
}

function byKey(documents: unknown[]): Record<string, unknown> {
  const keyed: Record<string, unknown> = {};
  for (const document of documents) keyed[keyOf(document)] = document;
  return keyed;
}

async function committedCrds(): Promise<unknown[]> {
  const directory = join(DEPLOY_DIRECTORY, 'crds');
  const names = (await readdir(directory)).filter((name) => name.endsWith('.yaml'));
  return Promise.all(
    names.map(async (name) => parse(await readFile(join(directory, name), 'utf8')) as unknown),
  );
}

describe('kubectl kustomize builds', () => {
  it('the CRDs to deploy/crds/', async () => {
    expect(byKey(await kustomizeBuild(join(KUSTOMIZE, 'crds')))).toEqual(byKey(await committedCrds()));
  });

  const temporary: string[] = [];
  afterAll(async () => {
    for (const directory of temporary) await rm(directory, { recursive: true, force: true });
  });

  for (const { directory, components = [], values } of CHART_EQUIVALENTS) {
    const label = [directory, ...components.map((c) => `+ ${c}`)].join(' ');
    it(`${label} to what the chart renders for ${JSON.stringify(values)}`, async () => {
      let root = join(KUSTOMIZE, directory);
      if (components.length > 0) {
        root = await withComponents(directory, components);
        temporary.push(root);
      }
      const built = await kustomizeBuild(root);
      const expected = [
        namespace(DEFAULT_RELEASE.namespace),
        ...(await renderCommittedChart(values).then((files) => [...files.values()].flat())),
      ];
      expect(byKey(built)).toEqual(byKey(expected));
      // The committed chart and the model agree (generated.test.ts checks it file by file).
      expect(byKey(renderChart(values))).toEqual(
        byKey([...(await renderCommittedChart(values)).values()].flat()),
      );
    });
  }
});

describe('the manifests on the Kubernetes API emulator', () => {
  const env = useKubeEnvironment();
  const apply = (args: string[], stdin?: string) =>
    env.kubectl.ok(['apply', ...args], stdin === undefined ? {} : { stdin });

  beforeAll(async () => {
    serveMissingKinds(env.server);
    await apply(['-f', '-'], stringify(SERVICE_MONITOR_CRD));
    await env.kubectl.ok(['create', 'namespace', EXAMPLE_WATCHED_NAMESPACE]);
  });

  it('take the CRDs, then the base, with server-side apply, and its Deployment rolls out', async () => {
    const crds = await apply(['--server-side', '-k', join(KUSTOMIZE, 'crds')]);
    expect(crds).toContain(
      'customresourcedefinition.apiextensions.k8s.io/externalsecrets.external-secrets.io serverside-applied',
    );
    const stdout = await apply(['--server-side', '-k', join(KUSTOMIZE, 'base')]);
    for (const object of [
      'namespace/kvsync-system serverside-applied',
      'serviceaccount/kvsync serverside-applied',
      'clusterrole.rbac.authorization.k8s.io/kvsync-controller serverside-applied',
      'role.rbac.authorization.k8s.io/kvsync-leader-election serverside-applied',
      'deployment.apps/kvsync serverside-applied',
      'service/kvsync serverside-applied',
      'poddisruptionbudget.policy/kvsync serverside-applied',
    ])
      expect(stdout).toContain(object);
    await env.kubectl.ok(['-n', 'kvsync-system', 'rollout', 'status', 'deployment/kvsync', '--timeout=30s']);
    const deployment = JSON.parse(
      await env.kubectl.ok(['-n', 'kvsync-system', 'get', 'deployment', 'kvsync', '-o', 'json']),
    ) as { status: { readyReplicas?: number } };
    expect(deployment.status.readyReplicas).toBe(2);
  });

  for (const overlay of ['workload-identity', 'managed-identity', 'namespaced']) {
    it(`take the ${overlay} overlay (client-side apply, as in docs/install.md)`, async () => {
      const stdout = await apply(['-k', join(KUSTOMIZE, 'overlays', overlay)]);
      expect(stdout).toContain('deployment.apps/kvsync');
    });
  }

  for (const component of ['servicemonitor', 'reloader', 'sharding']) {
    it(`take the base with the ${component} component`, async () => {
      const root = await withComponents('base', [component]);
      try {
        await apply(['--dry-run=server', '-k', root]);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }

  it('take the chart rendered with every option on', async () => {
    const values = {
      identity: { type: 'workload', clientId: 'c0ffee00-0000-4000-8000-000000000001', tenantId: 't' },
      webhook: { enabled: true, ingress: { enabled: true, className: 'nginx', tlsSecretName: 'tls' } },
      dashboard: { enabled: true, tokenSecretName: 'dash' },
      reloader: { enabled: true },
      serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
      shards: 2,
      extraArgs: ['--concurrent=8'],
      podAnnotations: { a: 'b' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
    };
    const documents = [...(await renderCommittedChart(values)).values()].flat();
    await apply(['--dry-run=server', '-f', '-'], documents.map((d) => stringify(d)).join('---\n'));
  });

  it('reject a misspelt field, so that the checks above can fail', async () => {
    const [service] = [...(await renderCommittedChart({})).get('service.yaml')!] as Array<
      Record<string, unknown>
    >;
    const broken = { ...service, spce: {} };
    const result = await env.kubectl.run(['apply', '--dry-run=server', '-f', '-'], {
      stdin: stringify(broken),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('spce');
  });
});
