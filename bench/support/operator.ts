import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseOperatorConfig } from '../../src/config/index.ts';
import { startKvsync, type Kvsync } from '../../src/main.ts';
import type { Clock } from '../../src/runtime/index.ts';
import { startOperatorProcess, type Child } from './child-process.ts';
import type { KeyVaultEmulator } from './keyvault.ts';
import type { Scope } from './scope.ts';

/**
 * kvsync against the two emulators: as its own process (`kvsync run`, for RSS and CPU of its
 * own and real time), or in this process on an injected clock (simulated hours). Either way it
 * reaches `https://<vault>.vault.azure.net` through the emulator's main port, trusts the
 * emulator CA, gets managed-identity tokens from the emulator's IMDS and serves the Event Grid
 * webhook with a shared secret.
 */

export interface OperatorSetup {
  dir: string;
  kubeconfig: string;
  keyVault: KeyVaultEmulator;
  /** More `kvsync run` flags (`--concurrent 8`, …). */
  flags?: string[];
  /** NODE_OPTIONS of an operator process, unless KVSYNC_BENCH_OPERATOR_NODE_OPTIONS is set. */
  nodeOptions?: string;
}

export interface OperatorEndpoints {
  /** `http://127.0.0.1:PORT` of /metrics, /readyz and the webhook. */
  url: string;
  webhookUrl: string;
  /** The shared secret Event Grid deliveries must carry in `x-kvsync-secret`. */
  webhookSecret: string;
  logFile: string;
}

/**
 * `trustCa`: pass the emulator CA with `--azure-ca-file`. A process started by the benchmark
 * trusts it through `NODE_EXTRA_CA_CERTS` instead, as production trusts Azure through the
 * system roots: with `--azure-ca-file`, the vault agent's `ca` option holds every root
 * certificate and Node's agent serialises it into the pool key of every request.
 */
function baseFlags(
  setup: OperatorSetup,
  httpAddress: string,
  secretFile: string,
  trustCa: boolean,
): string[] {
  return [
    '--kubeconfig',
    setup.kubeconfig,
    '--http-addr',
    httpAddress,
    '--dashboard-addr',
    '',
    '--leader-elect=false',
    ...(trustCa ? ['--azure-ca-file', setup.keyVault.ready.caFile] : []),
    '--azure-authority-host',
    setup.keyVault.ready.authorityHost,
    '--azure-vault-endpoint',
    setup.keyVault.mainEndpoint,
    '--event-grid-secret-file',
    secretFile,
    ...(setup.flags ?? []),
  ];
}

function writeWebhookSecret(dir: string): { file: string; secret: string } {
  const file = join(dir, 'eventgrid-secret');
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return { file, secret };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export interface OperatorProcess extends OperatorEndpoints {
  child: Child;
}

/** Starts `kvsync run` and resolves once `/readyz` answers 200 (caches synced, leading). */
export async function startOperatorAsProcess(scope: Scope, setup: OperatorSetup): Promise<OperatorProcess> {
  const { file, secret } = writeWebhookSecret(setup.dir);
  const port = await freePort();
  const logFile = join(setup.dir, 'operator.log');
  const child = startOperatorProcess(scope, baseFlags(setup, `127.0.0.1:${port}`, file, false), {
    logFile,
    env: {
      ...process.env,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: setup.keyVault.ready.imdsEndpoint,
      NODE_EXTRA_CA_CERTS: setup.keyVault.ready.caFile,
      // Profiling the operator alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (bench/README.md).
      NODE_OPTIONS: process.env.KVSYNC_BENCH_OPERATOR_NODE_OPTIONS ?? setup.nodeOptions ?? '',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`kvsync run exited early:\n${logTail(logFile)}`);
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`kvsync run not ready after 60 s:\n${logTail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, webhookUrl: `${url}/webhooks/eventgrid`, webhookSecret: secret, logFile };
}

export interface InProcessOperator extends OperatorEndpoints {
  kvsync: Kvsync;
}

/**
 * Starts the operator in this process on `clock`. The managed-identity credential finds IMDS
 * through `AZURE_POD_IDENTITY_AUTHORITY_HOST`, which is set for the scope's lifetime.
 */
export async function startOperatorInProcess(
  scope: Scope,
  setup: OperatorSetup,
  clock: Clock,
): Promise<InProcessOperator> {
  const { file, secret } = writeWebhookSecret(setup.dir);
  const logFile = join(setup.dir, 'operator.log');
  const previous = process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = setup.keyVault.ready.imdsEndpoint;
  scope.defer(() => {
    if (previous === undefined) delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    else process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = previous;
  });
  const kvsync = await startKvsync(parseOperatorConfig(baseFlags(setup, '127.0.0.1:0', file, true), {}), {
    clock,
    writeLog: (line) => appendFileSync(logFile, `${line}\n`),
  });
  scope.defer(() => kvsync.stop());
  const url = kvsync.http.url;
  return { kvsync, url, webhookUrl: `${url}/webhooks/eventgrid`, webhookSecret: secret, logFile };
}

/** Subscribes the operator's webhook to `vault`'s events (Event Grid schema, secret in a header). */
export async function subscribeWebhook(
  keyVault: KeyVaultEmulator,
  vault: string,
  operator: OperatorEndpoints,
): Promise<void> {
  const subscription = await keyVault.admin.subscribe({
    name: `kvsync-bench-${vault}`,
    vault,
    endpointUrl: operator.webhookUrl,
    schema: 'EventGridSchema',
    secret: { in: 'header', name: 'x-kvsync-secret', value: operator.webhookSecret },
  });
  if (subscription.state !== 'Succeeded')
    throw new Error(`Event Grid subscription for ${vault} is ${subscription.state}`);
}
