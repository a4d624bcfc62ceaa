import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join, resolve } from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { parseAllDocuments } from 'yaml';
import { parseOperatorConfig } from '../../src/config/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { startKvsync, type Kvsync } from '../../src/main.ts';
import { startDevKeyVault, type DevKeyVault } from '../keyvault/dev-emulator.ts';
import { SERVICE_ACCOUNT_ISSUER } from '../kube-apiserver/http/tokens.ts';
import { startKubeApiServer, type KubeApiServer } from '../kube-apiserver/index.ts';

/**
 * The sandbox as a function: the Kubernetes API emulator, the Key Vault emulator (open mode,
 * vault `our-vault`, seeded), the operator in this process, the generated CRDs and `examples/`
 * applied. `npm start` runs it; end-to-end tests start their own in a temporary directory.
 */

const ROOT = resolve(import.meta.dirname, '../..');

export interface SandboxOptions {
  /** State directory (kubeconfig, CA files, vault data, operator log, sandbox.json). */
  dir: string;
  /** Apply `examples/` (default true). */
  examples?: boolean;
  /** Subscribe the operator's webhook to our-vault's Event Grid events (default true). */
  push?: boolean;
  /** Extra `kvsync run` flags for the operator. */
  operatorArgs?: string[];
  /** Operator log lines; default appended to `dir/operator.log`. */
  writeLog?: (line: string) => void;
}

export interface SandboxEndpoints {
  kubeconfig: string;
  kubernetesUrl: string;
  kubernetesCaFile: string;
  vaults: Record<string, string>;
  azureVaultUrls: Record<string, string>;
  caFile: string;
  imdsEndpoint: string;
  authorityHost: string;
  tenantId: string;
  keyVaultAdminUrl: string;
  metricsUrl: string;
  /** The operator's HTTP server: /metrics, probes, the operator API the CLI uses, the webhook. */
  operatorUrl: string;
  /** The live dashboard (read-only: the sandbox configures no action token). */
  dashboardUrl: string;
  /** The operator's Event Grid webhook; the emulator's publisher delivers our-vault's events to it. */
  eventGridWebhookUrl: string;
  operatorLog: string;
}

export interface Sandbox {
  endpoints: SandboxEndpoints;
  kube: KubeApiServer;
  vault: DevKeyVault;
  /** The operator running now (a new one after `restartOperator`). */
  operator: Kvsync;
  /** Stops the operator and starts a new one on the same flags, as a pod restart would. */
  restartOperator(): Promise<Kvsync>;
  /** A SecretClient for `our-vault` through the emulator's managed identity, trusting its CA. */
  secrets: SecretClient;
  /** Stops the operator, then both emulators. */
  close(): Promise<void>;
}

/** Seed values are random per sandbox; they live only in the vault and the synced Secrets. */
async function seedVault(secrets: SecretClient): Promise<void> {
  const present = new Set<string>();
  for await (const properties of secrets.listPropertiesOfSecrets()) present.add(properties.name);
  const seeds: Record<string, string> = {
    'postgresql-password': randomBytes(12).toString('base64url'),
    'payments-db': JSON.stringify({ username: 'payments', password: randomBytes(12).toString('base64url') }),
  };
  for (const [name, value] of Object.entries(seeds))
    if (!present.has(name)) await secrets.setSecret(name, value);
}

/** Creates every object of the YAML files in `folder` (recursively), skipping those that exist. */
export async function applyFolder(kube: KubeClient, folder: string): Promise<void> {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await applyFolder(kube, path);
    else if (/\.ya?ml$/.test(entry.name)) await applyYaml(kube, readFileSync(path, 'utf8'));
  }
}

async function applyYaml(kube: KubeClient, text: string): Promise<void> {
  // Namespaces first, so that a file may define a namespace after objects that live in it.
  const objects = parseAllDocuments(text)
    .map(
      (document) =>
        document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null,
    )
    .filter((object): object is NonNullable<typeof object> => !!object?.kind)
    .sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
  for (const object of objects) {
    try {
      await kube.create(object);
    } catch (error) {
      if ((error as { reason?: string }).reason !== 'AlreadyExists') throw error;
    }
  }
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  const kube = await startKubeApiServer({ port: 0, kubeconfigPath: kubeconfig });
  const kubernetesCaFile = join(dir, 'kube-ca.pem');
  writeFileSync(kubernetesCaFile, kube.caPem);
  const vault = await startDevKeyVault({ vaults: ['our-vault'], dir: join(dir, 'keyvault'), open: true });
  // Workload identity: the vault accepts ServiceAccount tokens of this cluster as assertions.
  await vault.trustIssuer({
    issuer: SERVICE_ACCOUNT_ISSUER,
    jwksUrl: `${kube.url}/openid/v1/jwks`,
    ca: kube.caPem,
  });
  // The managed-identity credential (the operator's and the seeding client's) finds IMDS here.
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = vault.imdsEndpoint;
  const secrets = new SecretClient(vault.vaults['our-vault']!, new ManagedIdentityCredential(), {
    agent: new Agent({ ca: vault.caPem, keepAlive: true }),
  });
  await seedVault(secrets);

  const client = createKubeClient({ kubeconfigPath: kubeconfig });
  await applyFolder(client, join(ROOT, 'deploy/crds'));
  const mainPort = new URL(vault.hostUrl).port;
  const operatorLog = join(dir, 'operator.log');
  // Push: the operator serves the Event Grid webhook with this shared secret, and the emulator's
  // publisher delivers our-vault's events to it (subscribed below, once the operator listens).
  const webhookSecretFile = join(dir, 'eventgrid-secret');
  writeFileSync(webhookSecretFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const writeLog =
    options.writeLog ?? ((line: string) => writeFileSync(operatorLog, `${line}\n`, { flag: 'a' }));
  const operatorFlags = [
    '--kubeconfig',
    kubeconfig,
    '--http-addr',
    '127.0.0.1:0',
    '--dashboard-addr',
    '127.0.0.1:0',
    '--leader-election-namespace',
    'default',
    '--azure-ca-file',
    vault.caFile,
    '--azure-authority-host',
    vault.authorityHost,
    '--azure-vault-endpoint',
    `127.0.0.1:${mainPort}`,
    '--event-grid-secret-file',
    webhookSecretFile,
    '--reloader',
    ...(options.operatorArgs ?? []),
  ];
  const startOperator = () => startKvsync(parseOperatorConfig(operatorFlags, {}), { writeLog });
  let operator = await startOperator();
  // A restarted operator listens where the first one did, so the subscription keeps working.
  operatorFlags[operatorFlags.indexOf('--http-addr') + 1] = `127.0.0.1:${operator.http.port}`;
  const eventGridWebhookUrl = `${operator.http.url}/webhooks/eventgrid`;
  if (options.push ?? true)
    await vault.controls.subscribe({
      name: 'kvsync-sandbox',
      vault: 'our-vault',
      endpointUrl: eventGridWebhookUrl,
      schema: 'EventGridSchema',
      secret: { in: 'header', name: 'x-kvsync-secret', value: readFileSync(webhookSecretFile, 'utf8') },
    });
  if (options.examples ?? true) await applyFolder(client, join(ROOT, 'examples'));

  const endpoints: SandboxEndpoints = {
    kubeconfig,
    kubernetesUrl: kube.url,
    kubernetesCaFile,
    vaults: vault.vaults,
    azureVaultUrls: vault.azureVaultUrls,
    caFile: vault.caFile,
    imdsEndpoint: vault.imdsEndpoint,
    authorityHost: vault.authorityHost,
    tenantId: vault.tenantId,
    keyVaultAdminUrl: vault.adminUrl,
    metricsUrl: `${operator.http.url}/metrics`,
    operatorUrl: operator.http.url,
    dashboardUrl: operator.dashboardUrl ?? '',
    eventGridWebhookUrl,
    operatorLog,
  };
  return {
    endpoints,
    kube,
    vault,
    get operator() {
      return operator;
    },
    async restartOperator() {
      await operator.stop();
      operator = await startOperator();
      return operator;
    },
    secrets,
    async close() {
      await operator.stop();
      await Promise.allSettled([kube.close(), vault.close()]);
    },
  };
}
