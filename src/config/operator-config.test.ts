import { describe, expect, it } from 'vitest';
import { KvsyncError } from '../errors.ts';
import { FLAGS, envNameOf } from './flags.ts';
import { OPERATOR_HELP, isHelpRequested, parseOperatorConfig, type OperatorConfig } from './index.ts';

const HOST = { hostname: 'node-a', pid: 42 };

function parse(argv: string[], env: Record<string, string | undefined> = {}): OperatorConfig {
  return parseOperatorConfig(argv, env, HOST);
}

function configError(argv: string[], env: Record<string, string | undefined> = {}): KvsyncError {
  try {
    parse(argv, env);
  } catch (error) {
    if (error instanceof KvsyncError) return error;
    throw error;
  }
  throw new Error(`expected ERR_INVALID_CONFIG for ${JSON.stringify({ argv, env })}`);
}

describe('parseOperatorConfig defaults', () => {
  it('gives the documented defaults when nothing is set', () => {
    expect(parse([])).toEqual({
      kubernetes: { kubeconfigPath: undefined, context: undefined, inCluster: false },
      reconcile: {
        namespaces: [],
        controllerClass: 'default',
        concurrentReconciles: 4,
        requeueBaseDelayMs: 1_000,
        requeueMaxDelayMs: 420_000,
        storeRequeueIntervalMs: 300_000,
        enableFloodGate: true,
        refreshJitterFraction: 0.1,
        changeDetection: true,
        pushFallbackIntervalMs: 3_600_000,
        pushVaults: [],
        reloader: { enabled: false, settlePeriodMs: 5_000, maxConcurrentRollouts: 2 },
      },
      leaderElection: {
        enabled: true,
        namespace: 'kvsync-system',
        leaseName: 'kvsync-controller',
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
        identity: 'node-a-42',
        shards: 1,
      },
      http: { address: ':8080', dashboardAddress: '127.0.0.1:8081', dashboardTokenFile: undefined },
      log: { level: 'info', format: 'json' },
      azure: {
        authorityHost: undefined,
        caFile: undefined,
        vaultEndpoint: undefined,
        vaultHostSuffix: '.vault.azure.net',
        requestBudgetPer10s: 2000,
      },
      eventGrid: { secretFile: undefined, secretRef: undefined },
    });
  });

  it('is deeply frozen', () => {
    const config = parse(['--namespace', 'a', '--azure-vault-endpoint', '127.0.0.1:9443']);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.reconcile)).toBe(true);
    expect(Object.isFrozen(config.reconcile.namespaces)).toBe(true);
    expect(Object.isFrozen(config.azure.vaultEndpoint)).toBe(true);
    expect(() => (config.reconcile.namespaces as string[]).push('b')).toThrow(TypeError);
  });

  it('uses the default host facts when none are injected', () => {
    expect(parseOperatorConfig([], {}).leaderElection.identity).toMatch(/^.+-\d+$/);
  });
});

describe('parseOperatorConfig values', () => {
  type Case = [string, string[], Record<string, string>, (config: OperatorConfig) => unknown, unknown];
  const cases: Case[] = [
    ['--kubeconfig', ['--kubeconfig', '/k'], {}, (c) => c.kubernetes.kubeconfigPath, '/k'],
    ['KUBECONFIG', [], { KUBECONFIG: '/env' }, (c) => c.kubernetes.kubeconfigPath, '/env'],
    [
      'KVSYNC_KUBECONFIG over KUBECONFIG',
      [],
      { KUBECONFIG: '/b', KVSYNC_KUBECONFIG: '/a' },
      (c) => c.kubernetes.kubeconfigPath,
      '/a',
    ],
    ['empty KUBECONFIG is unset', [], { KUBECONFIG: '' }, (c) => c.kubernetes.kubeconfigPath, undefined],
    ['--context', ['--context=prod'], {}, (c) => c.kubernetes.context, 'prod'],
    ['in cluster', [], { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, (c) => c.kubernetes.inCluster, true],
    [
      'kubeconfig beats in-cluster',
      ['--kubeconfig', '/k'],
      { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
      (c) => c.kubernetes.inCluster,
      false,
    ],
    [
      'context beats in-cluster',
      ['--context', 'x'],
      { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
      (c) => c.kubernetes.inCluster,
      false,
    ],
    [
      'namespaces repeated and comma lists',
      ['--namespace', 'a,b', '--namespace=c', '--namespace', 'a'],
      {},
      (c) => c.reconcile.namespaces,
      ['a', 'b', 'c'],
    ],
    ['namespaces from env', [], { KVSYNC_NAMESPACE: 'x, y' }, (c) => c.reconcile.namespaces, ['x', 'y']],
    ['--controller-class', ['--controller-class', 'blue'], {}, (c) => c.reconcile.controllerClass, 'blue'],
    [
      '--push-vaults names, hosts and *',
      ['--push-vaults', 'Our-Vault,other.vault.azure.net', '--push-vaults=*'],
      {},
      (c) => c.reconcile.pushVaults,
      ['our-vault', 'other.vault.azure.net', '*'],
    ],
    ['--concurrent', ['--concurrent', '16'], {}, (c) => c.reconcile.concurrentReconciles, 16],
    [
      '--requeue-base-delay',
      ['--requeue-base-delay', '500ms'],
      {},
      (c) => c.reconcile.requeueBaseDelayMs,
      500,
    ],
    [
      '--requeue-max-delay',
      ['--requeue-max-delay', '1h0m0s'],
      {},
      (c) => c.reconcile.requeueMaxDelayMs,
      3_600_000,
    ],
    [
      '--store-requeue-interval',
      ['--store-requeue-interval', '30s'],
      {},
      (c) => c.reconcile.storeRequeueIntervalMs,
      30_000,
    ],
    ['--no-enable-flood-gate', ['--no-enable-flood-gate'], {}, (c) => c.reconcile.enableFloodGate, false],
    [
      '--enable-flood-gate=false',
      ['--enable-flood-gate=false'],
      {},
      (c) => c.reconcile.enableFloodGate,
      false,
    ],
    ['--refresh-jitter', ['--refresh-jitter', '0'], {}, (c) => c.reconcile.refreshJitterFraction, 0],
    ['--leader-elect=false', ['--leader-elect=false'], {}, (c) => c.leaderElection.enabled, false],
    [
      '--leader-elect=true after false',
      ['--leader-elect=false', '--leader-elect=True'],
      {},
      (c) => c.leaderElection.enabled,
      true,
    ],
    ['KVSYNC_LEADER_ELECT', [], { KVSYNC_LEADER_ELECT: 'false' }, (c) => c.leaderElection.enabled, false],
    ['POD_NAMESPACE', [], { POD_NAMESPACE: 'ops' }, (c) => c.leaderElection.namespace, 'ops'],
    [
      '--leader-election-namespace over POD_NAMESPACE',
      ['--leader-election-namespace', 'a'],
      { POD_NAMESPACE: 'ops' },
      (c) => c.leaderElection.namespace,
      'a',
    ],
    [
      '--leader-election-id',
      ['--leader-election-id', 'lease'],
      {},
      (c) => c.leaderElection.leaseName,
      'lease',
    ],
    [
      'lease timings',
      [
        '--leader-election-lease-duration=60s',
        '--leader-election-renew-deadline=40s',
        '--leader-election-retry-period=5s',
      ],
      {},
      (c) => [
        c.leaderElection.leaseDurationMs,
        c.leaderElection.renewDeadlineMs,
        c.leaderElection.retryPeriodMs,
      ],
      [60_000, 40_000, 5_000],
    ],
    ['POD_NAME', [], { POD_NAME: 'kvsync-7d9-abc' }, (c) => c.leaderElection.identity, 'kvsync-7d9-abc'],
    [
      '--identity over POD_NAME',
      ['--identity', 'me'],
      { POD_NAME: 'pod' },
      (c) => c.leaderElection.identity,
      'me',
    ],
    ['--http-addr port 0', ['--http-addr', '127.0.0.1:0'], {}, (c) => c.http.address, '127.0.0.1:0'],
    ['--http-addr IPv6', ['--http-addr', '[::1]:9090'], {}, (c) => c.http.address, '[::1]:9090'],
    ['--dashboard-addr empty disables', ['--dashboard-addr='], {}, (c) => c.http.dashboardAddress, undefined],
    [
      'KVSYNC_DASHBOARD_ADDR empty disables',
      [],
      { KVSYNC_DASHBOARD_ADDR: '' },
      (c) => c.http.dashboardAddress,
      undefined,
    ],
    ['--dashboard-token-file', ['--dashboard-token-file', '/t'], {}, (c) => c.http.dashboardTokenFile, '/t'],
    ['--log-level', ['--log-level', 'debug'], {}, (c) => c.log.level, 'debug'],
    ['--log-format', ['--log-format', 'text'], {}, (c) => c.log.format, 'text'],
    [
      '--azure-authority-host',
      ['--azure-authority-host', 'https://127.0.0.1:1234/'],
      {},
      (c) => c.azure.authorityHost,
      'https://127.0.0.1:1234/',
    ],
    ['--azure-ca-file', ['--azure-ca-file', '/ca.pem'], {}, (c) => c.azure.caFile, '/ca.pem'],
    [
      '--azure-vault-endpoint',
      ['--azure-vault-endpoint', '127.0.0.1:8443'],
      {},
      (c) => c.azure.vaultEndpoint,
      { host: '127.0.0.1', port: 8443 },
    ],
    [
      '--azure-vault-host-suffix',
      ['--azure-vault-host-suffix', '.vault.usgovcloudapi.net'],
      {},
      (c) => c.azure.vaultHostSuffix,
      '.vault.usgovcloudapi.net',
    ],
    ['--event-grid-secret-file', ['--event-grid-secret-file', '/s'], {}, (c) => c.eventGrid.secretFile, '/s'],
    [
      '--event-grid-secret-ref',
      ['--event-grid-secret-ref', 'kvsync-system/eventgrid/token'],
      {},
      (c) => c.eventGrid.secretRef,
      { namespace: 'kvsync-system', name: 'eventgrid', key: 'token' },
    ],
  ];

  it.each(cases)('%s', (_title, argv, env, select, expected) => {
    expect(select(parse(argv, env))).toEqual(expected);
  });
});

describe('flag over environment', () => {
  const overrides: [string, string, string, (c: OperatorConfig) => unknown, unknown][] = [
    ['concurrent', '2', '7', (c) => c.reconcile.concurrentReconciles, 7],
    ['log-level', 'error', 'warn', (c) => c.log.level, 'warn'],
    ['leader-elect', 'true', 'false', (c) => c.leaderElection.enabled, false],
    ['requeue-max-delay', '1m', '2m', (c) => c.reconcile.requeueMaxDelayMs, 120_000],
    ['kubeconfig', '/env', '/flag', (c) => c.kubernetes.kubeconfigPath, '/flag'],
    ['namespace', 'a,b', 'c', (c) => c.reconcile.namespaces, ['c']],
  ];

  it.each(overrides)('--%s wins over its env var', (flag, envText, flagText, select, expected) => {
    const env = { [envNameOf(flag)]: envText };
    expect(select(parse([`--${flag}=${flagText}`], env))).toEqual(expected);
    expect(select(parse([], env))).not.toEqual(expected);
  });

  it('every flag is settable through KVSYNC_<FLAG>', () => {
    // Setting each flag's env var to garbage must change the outcome: either the value or an error naming it.
    const garbage: Record<string, string> = { 'dashboard-addr': 'not-an-address' };
    for (const flag of FLAGS) {
      const env = { [envNameOf(flag.name)]: garbage[flag.name] ?? 'value-from-env' };
      let outcome: unknown;
      try {
        outcome = parse([], env);
      } catch (error) {
        expect((error as KvsyncError).code).toBe('ERR_INVALID_CONFIG');
        expect((error as Error).message).toContain(envNameOf(flag.name));
        continue;
      }
      expect(JSON.stringify(outcome), flag.name).toContain('value-from-env');
    }
  });
});

describe('invalid values', () => {
  const invalid: [string, string[], Record<string, string>?][] = [
    ['concurrent', ['--concurrent', 'many']],
    ['keyvault-request-budget', ['--keyvault-request-budget', '0']],
    ['concurrent', ['--concurrent', '0']],
    ['concurrent', ['--concurrent', '1.5']],
    ['concurrent', [], { KVSYNC_CONCURRENT: '-1' }],
    ['requeue-base-delay', ['--requeue-base-delay', '1']],
    ['requeue-base-delay', ['--requeue-base-delay', '0s']],
    ['requeue-max-delay', ['--requeue-max-delay', '500ms']],
    ['store-requeue-interval', ['--store-requeue-interval', '1d']],
    ['enable-flood-gate', ['--enable-flood-gate=yes']],
    ['enable-flood-gate', [], { KVSYNC_ENABLE_FLOOD_GATE: 'on' }],
    ['refresh-jitter', ['--refresh-jitter', '1.5']],
    ['push-vaults', ['--push-vaults', 'our vault']],
    ['push-vaults', ['--push-vaults', 'https://our-vault.vault.azure.net/']],
    ['refresh-jitter', ['--refresh-jitter', 'x']],
    ['refresh-jitter', ['--refresh-jitter', '']],
    ['namespace', ['--namespace', 'Bad_NS']],
    ['leader-elect', ['--leader-elect=maybe']],
    ['leader-election-namespace', ['--leader-election-namespace', 'NOPE']],
    ['leader-election-lease-duration', ['--leader-election-lease-duration', '10s']],
    ['leader-election-lease-duration', ['--leader-election-lease-duration', 'soon']],
    ['leader-election-renew-deadline', ['--leader-election-renew-deadline', '2s']],
    ['leader-election-retry-period', ['--leader-election-retry-period', '-1s']],
    ['identity', ['--identity', ' ']],
    ['http-addr', ['--http-addr', '8080']],
    ['http-addr', ['--http-addr', ':70000']],
    ['http-addr', [], { KVSYNC_HTTP_ADDR: 'localhost' }],
    ['dashboard-addr', ['--dashboard-addr', 'x:y']],
    ['log-level', ['--log-level', 'trace']],
    ['log-format', ['--log-format', 'xml']],
    ['azure-authority-host', ['--azure-authority-host', 'login.example']],
    ['azure-authority-host', ['--azure-authority-host', 'ftp://x/']],
    ['azure-vault-endpoint', ['--azure-vault-endpoint', ':8443']],
    ['azure-vault-endpoint', ['--azure-vault-endpoint', '127.0.0.1:0']],
    ['azure-vault-endpoint', ['--azure-vault-endpoint', 'nohost']],
    ['azure-vault-host-suffix', ['--azure-vault-host-suffix', 'vault.azure.net']],
    ['event-grid-secret-ref', ['--event-grid-secret-ref', 'ns/name']],
    ['event-grid-secret-ref', ['--event-grid-secret-ref', 'ns/name/key/extra']],
    ['event-grid-secret-ref', ['--event-grid-secret-ref', 'NS/name/key']],
    ['event-grid-secret-ref', ['--event-grid-secret-ref', 'ns/name/k y']],
    ['event-grid-secret-ref', ['--event-grid-secret-ref', 'ns/n/k', '--event-grid-secret-file', '/f']],
    ['concurrent', ['--concurrent']],
    ['bogus', ['--bogus']],
    ['no-concurrent', ['--no-concurrent']],
  ];

  it.each(invalid)('--%s: %j gives ERR_INVALID_CONFIG naming the flag', (flag, argv, env = {}) => {
    const error = configError(argv, env);
    expect(error.code).toBe('ERR_INVALID_CONFIG');
    expect(error.message).toContain(`--${flag}`);
  });

  it('an env value names both the flag and the variable', () => {
    const error = configError([], { KVSYNC_LOG_LEVEL: 'loud' });
    expect(error.message).toContain('--log-level');
    expect(error.message).toContain('KVSYNC_LOG_LEVEL');
  });

  it('rejects positional arguments', () => {
    expect(configError(['run']).code).toBe('ERR_INVALID_CONFIG');
  });
});

describe('help', () => {
  it.each(FLAGS.map((flag) => [flag.name, flag] as const))(
    'documents --%s with its env var and default',
    (name, flag) => {
      const section = OPERATOR_HELP.slice(OPERATOR_HELP.indexOf(`  --${name}`));
      const entry = section.slice(
        0,
        section.indexOf('\n  -', 1) === -1 ? undefined : section.indexOf('\n  -', 1),
      );
      expect(OPERATOR_HELP).toContain(`  --${name}`);
      expect(entry).toContain(envNameOf(name));
      expect(entry).toMatch(/default: \S/);
      if ('default' in flag && flag.default !== '' && !('defaultText' in flag))
        expect(entry).toContain(flag.default);
    },
  );

  it.each([
    [['--help'], true],
    [['-h'], true],
    [['--concurrent', '3', '--help'], true],
    [['--concurrent', '3'], false],
    [['--', '--help'], false],
  ])('isHelpRequested(%j) is %s', (argv, expected) => {
    expect(isHelpRequested(argv)).toBe(expected);
  });

  it('parse accepts --help alongside other flags', () => {
    expect(parse(['--help', '--concurrent', '3']).reconcile.concurrentReconciles).toBe(3);
  });
});
