/**
 * The configuration of `kvsync run`, parsed once at the edge. Everything below `src/main.ts`
 * receives this frozen object and never reads argv or the environment itself.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { KvsyncError } from '../errors.ts';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../observability/logger.ts';
import { parseHostPort, type HostPort } from '../server/address.ts';
import { createFlagReader, type FlagReader } from './flag-reader.ts';
import { readRawFlags } from './raw-flags.ts';

export interface KubernetesConfig {
  /** `--kubeconfig`, else KVSYNC_KUBECONFIG, else KUBECONFIG; undefined means in-cluster or ~/.kube/config. */
  readonly kubeconfigPath: string | undefined;
  /** `--context`; undefined means the kubeconfig's current context. */
  readonly context: string | undefined;
  /** True when neither of the above is given and KUBERNETES_SERVICE_HOST is set. */
  readonly inCluster: boolean;
}

export interface ReconcileConfig {
  /** Namespaces to watch; empty means all. */
  readonly namespaces: readonly string[];
  readonly controllerClass: string;
  /** Workers per controller. */
  readonly concurrentReconciles: number;
  readonly requeueBaseDelayMs: number;
  readonly requeueMaxDelayMs: number;
  readonly storeRequeueIntervalMs: number;
  readonly enableFloodGate: boolean;
  /** Fraction of a refresh interval by which refresh times are spread, in [0, 1]. */
  readonly refreshJitterFraction: number;
  /** List vaults and read only what changed (true), or read every due secret as ESO (false). */
  readonly changeDetection: boolean;
  /** How often a vault is listed while push events arrive for it. */
  readonly pushFallbackIntervalMs: number;
  /** Vaults with an Event Grid subscription to this operator: names, hosts, or `*`. */
  readonly pushVaults: readonly string[];
  readonly reloader: {
    readonly enabled: boolean;
    readonly settlePeriodMs: number;
    readonly maxConcurrentRollouts: number;
  };
}

export interface LeaderElectionConfig {
  /** Shard Leases the work is split over; 1 means a single leader. */
  readonly shards: number;
  readonly enabled: boolean;
  readonly namespace: string;
  readonly leaseName: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly identity: string;
  /** Host (IP or name) the other replicas reach this one at; undefined: the HTTP server's own URL. */
  readonly advertiseAddress: string | undefined;
}

export interface HttpConfig {
  /** `HOST:PORT` of /metrics, /healthz, /readyz and the webhook, as given (`:8080` = all interfaces). */
  readonly address: string;
  /** `HOST:PORT` of the dashboard; undefined when disabled. */
  readonly dashboardAddress: string | undefined;
  readonly dashboardTokenFile: string | undefined;
}

export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

export interface AzureConfig {
  /** Entra ID authority override (a URL), for tests and the sandbox. */
  readonly authorityHost: string | undefined;
  /** PEM file of an extra CA; the composition root reads it. */
  readonly caFile: string | undefined;
  /** Where to connect for every host ending in `vaultHostSuffix`; undefined means DNS. */
  readonly vaultEndpoint: { readonly host: string; readonly port: number } | undefined;
  /** Starts with a dot, e.g. `.vault.azure.net`. */
  readonly vaultHostSuffix: string;
  /** Requests per vault per 10 s that kvsync allows itself. */
  readonly requestBudgetPer10s: number;
}

export interface SecretKeyRef {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

export interface EventGridConfig {
  /** At most one of the two is set. */
  readonly secretFile: string | undefined;
  readonly secretRef: SecretKeyRef | undefined;
}

export interface OperatorConfig {
  readonly kubernetes: KubernetesConfig;
  readonly reconcile: ReconcileConfig;
  readonly leaderElection: LeaderElectionConfig;
  readonly http: HttpConfig;
  readonly log: LogConfig;
  readonly azure: AzureConfig;
  readonly eventGrid: EventGridConfig;
}

/** Facts about the running process used for computed defaults; injected by tests. */
export interface HostFacts {
  hostname: string;
  pid: number;
}

/**
 * Parses `kvsync run`'s arguments (without the `run` itself) and environment into a deeply
 * frozen config. Precedence per flag: argv, `KVSYNC_<FLAG>`, the flag's fallback variables
 * (KUBECONFIG, POD_NAMESPACE, POD_NAME), the default. `-h`/`--help` is accepted and ignored:
 * callers check {@link isHelpRequested} first. Throws ERR_INVALID_CONFIG naming the flag.
 */
export function parseOperatorConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  host: HostFacts = { hostname: hostname(), pid: process.pid },
): OperatorConfig {
  const flags = createFlagReader(readRawFlags(argv, env));
  return deepFreeze({
    kubernetes: kubernetesConfig(flags, env),
    reconcile: reconcileConfig(flags),
    leaderElection: leaderElectionConfig(flags, host),
    http: httpConfig(flags),
    log: { level: flags.oneOf('log-level', LOG_LEVELS), format: flags.oneOf('log-format', LOG_FORMATS) },
    azure: azureConfig(flags),
    eventGrid: eventGridConfig(flags),
  });
}

function kubernetesConfig(
  flags: FlagReader,
  env: Readonly<Record<string, string | undefined>>,
): KubernetesConfig {
  const kubeconfigPath = flags.optionalString('kubeconfig');
  const context = flags.optionalString('context');
  const inCluster = kubeconfigPath === undefined && context === undefined && !!env['KUBERNETES_SERVICE_HOST'];
  return { kubeconfigPath, context, inCluster };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_CONCURRENT = 1_000;

function reconcileConfig(flags: FlagReader): ReconcileConfig {
  const namespaces = flags.list('namespace');
  const invalid = namespaces.find((namespace) => !DNS_LABEL.test(namespace));
  if (invalid !== undefined) flags.fail('namespace', `'${invalid}' is not a valid namespace name`);
  const requeueBaseDelayMs = flags.durationMs('requeue-base-delay', 1);
  const requeueMaxDelayMs = flags.durationMs('requeue-max-delay', 1);
  if (requeueMaxDelayMs < requeueBaseDelayMs)
    flags.fail('requeue-max-delay', 'must not be less than --requeue-base-delay');
  return {
    namespaces,
    controllerClass: flags.string('controller-class'),
    concurrentReconciles: flags.integer('concurrent', { min: 1, max: MAX_CONCURRENT }),
    requeueBaseDelayMs,
    requeueMaxDelayMs,
    storeRequeueIntervalMs: flags.durationMs('store-requeue-interval', 1_000),
    enableFloodGate: flags.boolean('enable-flood-gate'),
    refreshJitterFraction: flags.fraction('refresh-jitter'),
    changeDetection: flags.boolean('change-detection'),
    pushFallbackIntervalMs: flags.durationMs('push-fallback-interval', 1000),
    pushVaults: pushVaultsOf(flags),
    reloader: {
      enabled: flags.boolean('reloader'),
      settlePeriodMs: flags.durationMs('reloader-settle-period', 0),
      maxConcurrentRollouts: flags.integer('max-concurrent-rollouts', { min: 1, max: 1000 }),
    },
  };
}

const VAULT_NAME = /^[a-z0-9-]{3,24}$/;

function pushVaultsOf(flags: FlagReader): string[] {
  const vaults = flags.list('push-vaults').map((entry) => entry.toLowerCase());
  const invalid = vaults.find((entry) => entry !== '*' && !VAULT_NAME.test(entry.split('.')[0]!));
  if (invalid !== undefined)
    flags.fail('push-vaults', `'${invalid}' is not a vault name, a vault host or '*'`);
  return vaults;
}

/** client-go's own rule: leaseDuration > renewDeadline > JitterFactor (1.2) × retryPeriod. */
const LEADER_ELECTION_JITTER_FACTOR = 1.2;

function leaderElectionConfig(flags: FlagReader, host: HostFacts): LeaderElectionConfig {
  const leaseDurationMs = flags.durationMs('leader-election-lease-duration', 1);
  const renewDeadlineMs = flags.durationMs('leader-election-renew-deadline', 1);
  const retryPeriodMs = flags.durationMs('leader-election-retry-period', 1);
  if (leaseDurationMs <= renewDeadlineMs) {
    flags.fail('leader-election-lease-duration', 'must be greater than --leader-election-renew-deadline');
  }
  if (renewDeadlineMs <= LEADER_ELECTION_JITTER_FACTOR * retryPeriodMs) {
    flags.fail('leader-election-renew-deadline', 'must be greater than 1.2 × --leader-election-retry-period');
  }
  const namespace = flags.string('leader-election-namespace');
  if (!DNS_LABEL.test(namespace)) flags.fail('leader-election-namespace', 'is not a valid namespace name');
  const identity = flags.optionalString('identity') ?? `${host.hostname}-${host.pid}`;
  if (identity.trim() === '') flags.fail('identity', 'must not be empty');
  const advertiseAddress = nonEmpty(flags, 'advertise-address');
  if (advertiseAddress !== undefined && !isHost(advertiseAddress))
    flags.fail('advertise-address', `'${advertiseAddress}' is not an IP address or a host name`);
  return {
    enabled: flags.boolean('leader-elect'),
    namespace,
    leaseName: flags.string('leader-election-id'),
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    identity,
    advertiseAddress,
    shards: flags.integer('shards', { min: 1, max: 1024 }),
  };
}

function httpConfig(flags: FlagReader): HttpConfig {
  const address = flags.string('http-addr');
  hostPort(flags, 'http-addr');
  const dashboardText = flags.string('dashboard-addr');
  if (dashboardText !== '') hostPort(flags, 'dashboard-addr');
  return {
    address,
    dashboardAddress: dashboardText === '' ? undefined : dashboardText,
    dashboardTokenFile: nonEmpty(flags, 'dashboard-token-file'),
  };
}

function azureConfig(flags: FlagReader): AzureConfig {
  const authorityHost = nonEmpty(flags, 'azure-authority-host');
  if (authorityHost !== undefined && !isHttpUrl(authorityHost)) {
    flags.fail('azure-authority-host', 'is not an http(s) URL');
  }
  const vaultHostSuffix = flags.string('azure-vault-host-suffix');
  if (!/^\.[A-Za-z0-9.-]+$/.test(vaultHostSuffix)) {
    flags.fail('azure-vault-host-suffix', "must start with '.' and be a DNS suffix");
  }
  return {
    authorityHost,
    caFile: nonEmpty(flags, 'azure-ca-file'),
    vaultEndpoint: vaultEndpoint(flags),
    vaultHostSuffix,
    requestBudgetPer10s: flags.integer('keyvault-request-budget', { min: 1, max: 100_000 }),
  };
}

function vaultEndpoint(flags: FlagReader): AzureConfig['vaultEndpoint'] {
  if (nonEmpty(flags, 'azure-vault-endpoint') === undefined) return undefined;
  const { host, port } = hostPort(flags, 'azure-vault-endpoint');
  if (host === undefined || port === 0)
    flags.fail('azure-vault-endpoint', 'needs a host and a port from 1 to 65535');
  return { host: host as string, port };
}

function eventGridConfig(flags: FlagReader): EventGridConfig {
  const secretFile = nonEmpty(flags, 'event-grid-secret-file');
  const refText = nonEmpty(flags, 'event-grid-secret-ref');
  if (secretFile !== undefined && refText !== undefined) {
    flags.fail('event-grid-secret-ref', 'cannot be combined with --event-grid-secret-file');
  }
  return { secretFile, secretRef: refText === undefined ? undefined : secretKeyRef(flags, refText) };
}

function secretKeyRef(flags: FlagReader, text: string): SecretKeyRef {
  const [namespace, name, key, ...rest] = text.split('/');
  if (namespace === undefined || name === undefined || key === undefined || rest.length > 0) {
    return flags.fail('event-grid-secret-ref', 'is not NAMESPACE/NAME/KEY');
  }
  if (!DNS_LABEL.test(namespace))
    flags.fail('event-grid-secret-ref', `'${namespace}' is not a valid namespace name`);
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) {
    flags.fail('event-grid-secret-ref', `'${name}' is not a valid Secret name`);
  }
  if (!/^[-._a-zA-Z0-9]+$/.test(key))
    flags.fail('event-grid-secret-ref', `'${key}' is not a valid Secret key`);
  return { namespace, name, key };
}

function hostPort(
  flags: FlagReader,
  name: 'http-addr' | 'dashboard-addr' | 'azure-vault-endpoint',
): HostPort {
  try {
    return parseHostPort(flags.string(name));
  } catch (error) {
    if (error instanceof KvsyncError)
      flags.fail(name, 'is not HOST:PORT (e.g. :8080, 127.0.0.1:8081, [::1]:8080)');
    throw error;
  }
}

function nonEmpty(
  flags: FlagReader,
  name:
    | 'advertise-address'
    | 'dashboard-token-file'
    | 'azure-authority-host'
    | 'azure-ca-file'
    | 'azure-vault-endpoint'
    | 'event-grid-secret-file'
    | 'event-grid-secret-ref',
): string | undefined {
  const text = flags.optionalString(name);
  return text === undefined || text === '' ? undefined : text;
}

/** An IPv4 or IPv6 address, or a DNS name. */
function isHost(text: string): boolean {
  if (isIP(text) !== 0) return true;
  return text.length <= 253 && text.split('.').every((label) => DNS_LABEL.test(label.toLowerCase()));
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
