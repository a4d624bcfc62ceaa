import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import type { Condition, ExternalSecret } from '../../src/api/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import type { Kvsync } from '../../src/main.ts';

/**
 * Shared helpers of the operator's end-to-end suites: one sandbox per test file (both
 * emulators and the operator, in a temporary directory), the real kubectl against it, reads
 * through the API, and waits on observable conditions with a deadline. Nothing here prints a
 * secret value: values are compared through `fingerprint`.
 */

const runFile = promisify(execFile);

/** How long a wait for an observable condition may take before the test fails. */
export const DEFAULT_WAIT_MS = 15_000;

export interface KubectlFailure {
  /** kubectl's exit code. */
  code: number;
  stderr: string;
}

export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  count?: number;
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
}

/** The data of a Secret decoded to bytes, or undefined when the Secret does not exist. */
export interface SecretView {
  uid: string;
  resourceVersion: string;
  data: Record<string, Buffer>;
}

/** Counts the GET requests for one vault object that reached the vault (authorized, past faults added later). */
export interface GetProbe {
  count(): number;
  /** Stops counting. */
  remove(): void;
}

export interface OperatorSandbox {
  sandbox: Sandbox;
  /** The temporary directory; removed by `close`. */
  dir: string;
  /** A client for reading what the API holds (the tests act through kubectl). */
  kube: KubeClient;
  /** The operator now running (changes with `restartOperator`). */
  operator(): Kvsync;
  /** Runs kubectl against the sandbox; rejects with stderr when it fails. */
  kubectl(args: string[], input?: string): Promise<string>;
  /** Runs kubectl expecting it to fail; rejects when it succeeds. */
  kubectlFailure(args: string[], input?: string): Promise<KubectlFailure>;
  /** `kubectl apply -f -` of `yaml`. */
  apply(yaml: string): Promise<string>;
  externalSecret(namespace: string, name: string): Promise<ExternalSecret | undefined>;
  secret(namespace: string, name: string): Promise<SecretView | undefined>;
  /** Events about the named object in `namespace`. */
  events(namespace: string, name: string): Promise<KubeEvent[]>;
  /** Starts counting GETs of `objectName` in `our-vault` from now on. */
  countGets(objectName: string): GetProbe;
  /** Stops the operator and starts a new one on the same configuration; resolves once it leads. */
  restartOperator(): Promise<Kvsync>;
  /** Stops the operator and both emulators, and removes the directory. */
  close(): Promise<void>;
}

/** A short, stable digest of a value for comparisons whose failure output must not show the value. */
export function fingerprint(value: Buffer | string | undefined): string {
  if (value === undefined) return '(absent)';
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** The fingerprints of every key of a Secret's data, for whole-Secret comparisons. */
export function fingerprints(view: SecretView | undefined): Record<string, string> | undefined {
  if (!view) return undefined;
  return Object.fromEntries(Object.entries(view.data).map(([key, value]) => [key, fingerprint(value)]));
}

/** The `Ready` condition of an object's status. */
export function readyCondition(object: { status?: { conditions?: Condition[] } } | undefined) {
  return object?.status?.conditions?.find((condition) => condition.type === 'Ready');
}

/**
 * Polls `probe` until it returns something other than undefined or false, and resolves with it.
 * Rejects after `timeoutMs` naming `what` (never the probe's last value, which may be secret).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Resolves after `ms` of real time: only for proving that something did not happen, kept short. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function runKubectl(
  dir: string,
  kubeconfig: string,
  args: string[],
  input: string | undefined,
): Promise<{ ok: true; stdout: string } | ({ ok: false } & KubectlFailure)> {
  const all = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kubectl-cache'), ...args];
  const pending = runFile('kubectl', all, {
    env: { ...process.env, HOME: dir },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (input !== undefined) pending.child.stdin!.end(input);
  try {
    return { ok: true, stdout: (await pending).stdout };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { ok: false, code: failure.code, stderr: failure.stderr ?? '' };
  }
}

/**
 * Starts a sandbox in a new temporary directory (with `examples/` applied unless told otherwise).
 * Push (Event Grid) is off unless asked for: the incident suites show polling as ESO does it.
 */
export async function startOperatorSandbox(
  options: { examples?: boolean; push?: boolean } = {},
): Promise<OperatorSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'kvsync-e2e-'));
  const logFile = join(dir, 'operator.log');
  const writeLog = (line: string) => appendFileSync(logFile, `${line}\n`);
  const sandbox = await startSandbox({
    dir,
    examples: options.examples ?? true,
    push: options.push ?? false,
    writeLog,
  });
  const kubeconfig = sandbox.endpoints.kubeconfig;
  const kube = createKubeClient({ kubeconfigPath: kubeconfig });
  let operator = sandbox.operator;

  const kubectl = async (args: string[], input?: string) => {
    const result = await runKubectl(dir, kubeconfig, args, input);
    if (!result.ok) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  return {
    sandbox,
    dir,
    kube,
    operator: () => operator,
    kubectl,
    async kubectlFailure(args, input) {
      const result = await runKubectl(dir, kubeconfig, args, input);
      if (result.ok) throw new Error(`kubectl ${args.join(' ')} succeeded but was expected to fail`);
      return { code: result.code, stderr: result.stderr };
    },
    apply: (yaml) => kubectl(['apply', '-f', '-'], yaml),
    externalSecret: (namespace, name) =>
      kube.get<ExternalSecret>({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        namespace,
        name,
      }),
    async secret(namespace, name) {
      const secret = await kube.get<{
        metadata: { uid: string; resourceVersion: string };
        data?: Record<string, string>;
      }>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
      if (!secret) return undefined;
      const data = Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
      );
      return { uid: secret.metadata.uid, resourceVersion: secret.metadata.resourceVersion, data };
    },
    async events(namespace, name) {
      const events = await kube.list<KubeEvent>({ apiVersion: 'v1', kind: 'Event', namespace });
      return events.filter((event) => event.involvedObject.name === name);
    },
    countGets(objectName) {
      const controls = sandbox.vault.controls;
      const id = controls.addFault({
        kind: 'latency',
        latencyMs: 0,
        vault: 'our-vault',
        operation: 'getSecret',
        objectName,
      });
      return {
        count: () => controls.faults().find((rule) => rule.id === id)?.applied ?? 0,
        remove: () => void controls.removeFault(id),
      };
    },
    async restartOperator() {
      operator = await sandbox.restartOperator();
      const started = operator;
      await waitFor('the restarted operator to lead', () => started.operator.isLeader());
      return operator;
    },
    async close() {
      try {
        await operator.stop();
        await sandbox.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Waits for an ExternalSecret whose Ready condition satisfies `accept`, and returns it. */
export function waitForExternalSecret(
  env: OperatorSandbox,
  namespace: string,
  name: string,
  what: string,
  accept: (es: ExternalSecret) => boolean,
  timeoutMs?: number,
): Promise<ExternalSecret> {
  return waitFor(
    `ExternalSecret ${namespace}/${name}: ${what}`,
    async () => {
      const es = await env.externalSecret(namespace, name);
      return es && accept(es) ? es : undefined;
    },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
}

/** Waits for an Event about `name` of `type` whose message contains `text`. */
export function waitForEvent(
  env: OperatorSandbox,
  namespace: string,
  name: string,
  type: 'Normal' | 'Warning',
  text: string,
): Promise<KubeEvent> {
  return waitFor(`a ${type} event about ${namespace}/${name} containing "${text}"`, async () =>
    (await env.events(namespace, name)).find((event) => event.type === type && event.message.includes(text)),
  );
}

/** Waits until key `key` of Secret `namespace/name` holds `expected` (compared by fingerprint). */
export function waitForSecretValue(
  env: OperatorSandbox,
  namespace: string,
  name: string,
  key: string,
  expected: string | Buffer,
  timeoutMs?: number,
): Promise<SecretView> {
  const wanted = fingerprint(expected);
  return waitFor(
    `Secret ${namespace}/${name} key '${key}' to hold the expected value (${wanted})`,
    async () => {
      const view = await env.secret(namespace, name);
      return view && fingerprint(view.data[key]) === wanted ? view : undefined;
    },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
}

/** New secret material for a test (random, never printed). */
export function newSecretValue(prefix = 'v'): string {
  return `${prefix}-${randomBytes(18).toString('base64url')}`;
}
