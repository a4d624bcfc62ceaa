/**
 * The table of `kvsync run` flags: one row per flag, the single source for argv parsing, the
 * environment fallback and `--help`. Defaults are written as the user would type them and go
 * through the same parser as user input, so help and behaviour cannot disagree.
 */

export type FlagKind = 'string' | 'boolean' | 'list';

export interface FlagSpec {
  /** Long name without the leading dashes, kebab-case. */
  readonly name: string;
  readonly kind: FlagKind;
  /** Placeholder shown in help for a value (`PATH`, `DURATION`, …); absent for booleans. */
  readonly valueName?: string;
  /** Default as typed on the command line; absent when the flag has no default. */
  readonly default?: string;
  /** Help text for the default when it is computed rather than fixed. */
  readonly defaultText?: string;
  /** Environment variables read after `KVSYNC_<FLAG>`, in order (e.g. `KUBECONFIG`). */
  readonly fallbackEnv?: readonly string[];
  /** True when an empty value means something (so an empty env var is not "unset"). */
  readonly emptyIsMeaningful?: boolean;
  readonly section: FlagSection;
  readonly description: string;
}

export type FlagSection =
  'Kubernetes' | 'Reconciling' | 'Leader election' | 'HTTP' | 'Logging' | 'Azure' | 'Event Grid';

export const FLAG_SECTIONS: readonly FlagSection[] = [
  'Kubernetes',
  'Reconciling',
  'Leader election',
  'HTTP',
  'Logging',
  'Azure',
  'Event Grid',
];

export const FLAGS = [
  {
    name: 'kubeconfig',
    kind: 'string',
    valueName: 'PATH',
    fallbackEnv: ['KUBECONFIG'],
    defaultText: 'in-cluster config when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config',
    section: 'Kubernetes',
    description: 'kubeconfig file to use',
  },
  {
    name: 'context',
    kind: 'string',
    valueName: 'NAME',
    defaultText: "the kubeconfig's current context",
    section: 'Kubernetes',
    description: 'kubeconfig context to use',
  },
  {
    name: 'namespace',
    kind: 'list',
    valueName: 'NS',
    default: '',
    defaultText: 'all namespaces',
    section: 'Kubernetes',
    description: 'watch only these namespaces; repeat the flag or give a comma-separated list',
  },
  {
    name: 'controller-class',
    kind: 'string',
    valueName: 'CLASS',
    default: 'default',
    section: 'Reconciling',
    description: 'reconcile only stores whose spec.controller is this class (or empty)',
  },
  {
    name: 'concurrent',
    kind: 'string',
    valueName: 'N',
    default: '4',
    section: 'Reconciling',
    description: 'workers per controller',
  },
  {
    name: 'requeue-base-delay',
    kind: 'string',
    valueName: 'DURATION',
    default: '1s',
    section: 'Reconciling',
    description: 'first retry delay after a failed reconcile; doubles per failure',
  },
  {
    name: 'requeue-max-delay',
    kind: 'string',
    valueName: 'DURATION',
    default: '7m',
    section: 'Reconciling',
    description: 'longest retry delay after repeated failures',
  },
  {
    name: 'store-requeue-interval',
    kind: 'string',
    valueName: 'DURATION',
    default: '5m',
    section: 'Reconciling',
    description: 'how often SecretStores and ClusterSecretStores are re-validated',
  },
  {
    name: 'enable-flood-gate',
    kind: 'boolean',
    default: 'true',
    section: 'Reconciling',
    description: 'do not reconcile ExternalSecrets whose store is not Ready',
  },
  {
    name: 'refresh-jitter',
    kind: 'string',
    valueName: 'FRACTION',
    default: '0.1',
    section: 'Reconciling',
    description: 'spread refresh times by up to this fraction of the interval (0 to 1)',
  },
  {
    name: 'change-detection',
    kind: 'boolean',
    default: 'true',
    section: 'Reconciling',
    description:
      'list each vault once per interval and read only the secrets that changed (false: one read per ExternalSecret per refresh, as ESO)',
  },
  {
    name: 'reloader',
    kind: 'boolean',
    default: 'false',
    section: 'Reconciling',
    description:
      'restart workloads whose Secrets changed (stakater Reloader and kvsync.io annotations), with rollback on failure',
  },
  {
    name: 'reloader-settle-period',
    kind: 'string',
    valueName: 'DURATION',
    default: '5s',
    section: 'Reconciling',
    description:
      "changes to a workload's Secrets within this period give one restart (kvsync.io/settle-period overrides it)",
  },
  {
    name: 'max-concurrent-rollouts',
    kind: 'string',
    valueName: 'N',
    default: '2',
    section: 'Reconciling',
    description: 'restarts rolling out at once, cluster-wide',
  },
  {
    name: 'push-fallback-interval',
    kind: 'string',
    valueName: 'DURATION',
    default: '1h',
    section: 'Event Grid',
    description: 'while Event Grid events arrive for a vault, list it only this often (events can be lost)',
  },
  {
    name: 'push-vaults',
    kind: 'list',
    valueName: 'VAULT',
    default: '',
    defaultText: 'none',
    section: 'Event Grid',
    description:
      "vaults with an Event Grid subscription to this operator (names, hosts, or '*'): polled at the fallback interval from the start, not only after their first event",
  },

  {
    name: 'leader-elect',
    kind: 'boolean',
    default: 'true',
    section: 'Leader election',
    description: 'elect a leader through a Lease so that only one replica writes',
  },
  {
    name: 'leader-election-namespace',
    kind: 'string',
    valueName: 'NS',
    fallbackEnv: ['POD_NAMESPACE'],
    default: 'kvsync-system',
    section: 'Leader election',
    description: 'namespace of the Lease',
  },
  {
    name: 'leader-election-id',
    kind: 'string',
    valueName: 'NAME',
    default: 'kvsync-controller',
    section: 'Leader election',
    description: 'name of the Lease',
  },
  {
    name: 'leader-election-lease-duration',
    kind: 'string',
    valueName: 'DURATION',
    default: '15s',
    section: 'Leader election',
    description: 'how long followers wait before taking over a lease that is not renewed',
  },
  {
    name: 'leader-election-renew-deadline',
    kind: 'string',
    valueName: 'DURATION',
    default: '10s',
    section: 'Leader election',
    description: 'how long the leader keeps trying to renew before it gives up leading',
  },
  {
    name: 'leader-election-retry-period',
    kind: 'string',
    valueName: 'DURATION',
    default: '2s',
    section: 'Leader election',
    description: 'time between attempts to acquire or renew the lease',
  },
  {
    name: 'identity',
    kind: 'string',
    valueName: 'ID',
    fallbackEnv: ['POD_NAME'],
    defaultText: 'env POD_NAME, else <hostname>-<pid>',
    section: 'Leader election',
    description: "this replica's holder identity in the Lease",
  },
  {
    name: 'advertise-address',
    kind: 'string',
    valueName: 'HOST',
    fallbackEnv: ['POD_IP'],
    defaultText: 'env POD_IP, else the --http-addr host unless it is all interfaces',
    section: 'Leader election',
    description:
      "where the other replicas reach this one's HTTP server (port of --http-addr), to pass Event Grid deliveries on",
  },
  {
    name: 'shards',
    kind: 'string',
    valueName: 'N',
    default: '1',
    section: 'Leader election',
    description:
      'split ExternalSecrets over N shard Leases held by the live replicas (1: one leader does all the work)',
  },

  {
    name: 'http-addr',
    kind: 'string',
    valueName: 'HOST:PORT',
    default: ':8080',
    section: 'HTTP',
    description:
      'address of /metrics, /healthz, /readyz and the Event Grid webhook (":8080" = all interfaces)',
  },
  {
    name: 'dashboard-addr',
    kind: 'string',
    valueName: 'HOST:PORT',
    default: '127.0.0.1:8081',
    emptyIsMeaningful: true,
    section: 'HTTP',
    description: 'address of the dashboard; empty disables it',
  },
  {
    name: 'dashboard-token-file',
    kind: 'string',
    valueName: 'PATH',
    defaultText: 'none (the dashboard asks for no token)',
    section: 'HTTP',
    description: 'file holding the bearer token the dashboard requires',
  },
  {
    name: 'log-level',
    kind: 'string',
    valueName: 'LEVEL',
    default: 'info',
    section: 'Logging',
    description: 'debug, info, warn or error',
  },
  {
    name: 'log-format',
    kind: 'string',
    valueName: 'FORMAT',
    default: 'json',
    section: 'Logging',
    description: 'json (one object per line) or text',
  },
  {
    name: 'azure-authority-host',
    kind: 'string',
    valueName: 'URL',
    defaultText: "the store's environmentType (https://login.microsoftonline.com/ for AzurePublicCloud)",
    section: 'Azure',
    description: 'Entra ID authority to get tokens from (tests and the sandbox)',
  },
  {
    name: 'azure-ca-file',
    kind: 'string',
    valueName: 'PATH',
    defaultText: 'system CAs only',
    section: 'Azure',
    description: 'PEM file of an extra CA to trust for Azure endpoints',
  },
  {
    name: 'azure-vault-endpoint',
    kind: 'string',
    valueName: 'HOST:PORT',
    defaultText: 'DNS',
    section: 'Azure',
    description: 'connect to this address for every vault host (tests and the sandbox)',
  },
  {
    name: 'azure-vault-host-suffix',
    kind: 'string',
    valueName: 'SUFFIX',
    default: '.vault.azure.net',
    section: 'Azure',
    description: 'vault host names that --azure-vault-endpoint applies to',
  },
  {
    name: 'keyvault-request-budget',
    kind: 'string',
    valueName: 'N',
    default: '2000',
    section: 'Azure',
    description:
      "Key Vault requests allowed per vault per 10 s, shared by every worker (Azure's limit is 4,000)",
  },

  {
    name: 'event-grid-secret-file',
    kind: 'string',
    valueName: 'PATH',
    defaultText: 'none',
    section: 'Event Grid',
    description: 'file holding the shared secret Event Grid deliveries must carry',
  },
  {
    name: 'event-grid-secret-ref',
    kind: 'string',
    valueName: 'NS/NAME/KEY',
    defaultText: 'none',
    section: 'Event Grid',
    description: 'Kubernetes Secret key holding that shared secret (instead of a file)',
  },
] as const satisfies readonly FlagSpec[];

export type FlagName = (typeof FLAGS)[number]['name'];

/** `log-level` → `KVSYNC_LOG_LEVEL`. */
export function envNameOf(flagName: string): string {
  return `KVSYNC_${flagName.toUpperCase().replaceAll('-', '_')}`;
}

export function flagSpec(name: FlagName): FlagSpec {
  return FLAGS.find((flag) => flag.name === name) as FlagSpec;
}
