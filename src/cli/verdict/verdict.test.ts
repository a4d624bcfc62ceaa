import { describe, expect, it } from 'vitest';
import type { ExternalSecret, SecretStore } from '../../api/index.ts';
import type { ApiInfo, EsDetail, ProbeResult } from '../../server/operator-api/wire.ts';
import { causeOfOutcome, walkChecklist, type OperatorFacts, type WhyFacts } from './index.ts';

const NOW = Date.parse('2026-01-01T14:00:00Z');

function es(
  overrides: Partial<ExternalSecret['spec']> = {},
  ready: 'True' | 'False' | 'none' = 'True',
): ExternalSecret {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'database-credentials', namespace: 'default', generation: 1 },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'azure-backend' },
      target: { name: 'database-credentials' },
      data: [{ secretKey: 'password', remoteRef: { key: 'postgresql-password' } }],
      ...overrides,
    },
    status: {
      refreshTime: '2026-01-01T13:30:00Z',
      nextRefreshTime: '2026-01-01T14:30:00Z',
      syncedResourceVersion: '1-x',
      ...(ready !== 'none'
        ? {
            conditions: [
              {
                type: 'Ready',
                status: ready,
                reason: ready === 'True' ? 'SecretSynced' : 'SecretSyncedError',
                message: ready === 'True' ? 'secret synced' : 'boom',
              },
            ],
          }
        : {}),
      syncedVersions: [{ key: 'postgresql-password', secretKey: 'password', version: 'aaaaaaaa1111' }],
    },
  };
}

const store: SecretStore = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'azure-backend', namespace: 'default' },
  spec: {
    provider: { azurekv: { authType: 'ManagedIdentity', vaultUrl: 'https://our-vault.vault.azure.net' } },
  },
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Valid', message: 'store validated' }] },
};

const info: ApiInfo = {
  version: 'dev',
  leader: true,
  ready: true,
  actions: false,
  reloader: false,
  changeDetection: true,
  now: '',
};

function probe(overrides: Partial<ProbeResult> = {}, vaultVersion = 'aaaaaaaa1111'): ProbeResult {
  return {
    checkedAt: '2026-01-01T14:00:00Z',
    store: {
      ok: true,
      kind: 'SecretStore',
      name: 'azure-backend',
      vault: 'https://our-vault.vault.azure.net',
    },
    list: { ok: true, count: 2 },
    keys: [
      {
        key: 'postgresql-password',
        from: 'data',
        secretKey: 'password',
        ok: true,
        vaultVersion,
        syncedVersion: 'aaaaaaaa1111',
      },
    ],
    target: { name: 'database-credentials', exists: true, managed: true },
    diff: [
      {
        secretKey: 'password',
        remoteKey: 'postgresql-password',
        state: vaultVersion === 'aaaaaaaa1111' ? 'same' : 'differs',
      },
    ],
    ...overrides,
  };
}

function detail(overrides: Partial<EsDetail> = {}): EsDetail {
  return {
    key: 'default/database-credentials',
    namespace: 'default',
    name: 'database-credentials',
    store: { kind: 'SecretStore', name: 'azure-backend' },
    target: 'database-credentials',
    intervalMs: 3_600_000,
    refreshPolicy: 'Periodic',
    state: 'synced',
    drift: 'same',
    versions: [],
    conditions: [],
    remote: [],
    timeline: [],
    vaultView: {
      host: 'our-vault.vault.azure.net',
      push: { healthy: false },
      polling: { mode: 'list' },
      externalSecrets: 1,
    },
    ...overrides,
  };
}

function facts(
  overrides: Partial<WhyFacts> = {},
  operator: Partial<Extract<OperatorFacts, { reachable: true }>> = {},
): WhyFacts {
  return {
    nowMs: NOW,
    namespace: 'default',
    name: 'database-credentials',
    es: es(),
    storeKind: 'SecretStore',
    storeName: 'azure-backend',
    store,
    events: [],
    operator: { reachable: true, where: 'http://op', info, detail: detail(), probe: probe(), ...operator },
    ...overrides,
  };
}

const cause = (input: WhyFacts) => walkChecklist(input).verdict.cause;

describe('walkChecklist', () => {
  it('finds nothing wrong when everything is in step, and walks every check of the incident', () => {
    const { checks, verdict } = walkChecklist(facts());
    expect(verdict).toMatchObject({ cause: 'healthy', ok: true });
    expect(checks.map((check) => check.id)).toEqual([
      'ExternalSecret',
      'sync',
      'events',
      'store',
      'access',
      'version',
      'target',
      'push',
      'budget',
      'pods',
      'operator',
    ]);
  });

  it('the incident: a newer version in Key Vault, the next sync in 30 minutes → refresh not due, fix with kvsync sync', () => {
    const { verdict, checks } = walkChecklist(facts({}, { probe: probe({}, 'bbbbbbbb2222') }));
    expect(verdict.cause).toBe('refresh-not-due');
    expect(verdict.summary).toContain('the next sync is in 30m');
    expect(verdict.fix[0]).toBe('kvsync sync database-credentials -n default --wait   # now');
    expect(checks.find((check) => check.id === 'version')?.lines[0]).toContain(
      'Key Vault bbbbbbbb — newer in Key Vault',
    );
  });

  it('says the ExternalSecret never refreshes when the interval is 0', () => {
    expect(cause(facts({ es: es({ refreshInterval: '0' }) }, { probe: probe({}, 'bbbbbbbb') }))).toBe(
      'never-refreshes',
    );
  });

  it('ranks a missing store above a failed sync', () => {
    const input = facts({ es: es({}, 'False') });
    delete input.store;
    expect(cause(input)).toBe('store-not-found');
    expect(cause(facts({ es: es({}, 'False') }))).toBe('sync-failed');
  });

  it('names the store that is not Ready', () => {
    const broken: SecretStore = {
      ...store,
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'InvalidProviderConfig',
            message: 'authType ServicePrincipal needs …',
          },
        ],
      },
    };
    const { verdict } = walkChecklist(facts({ es: es({}, 'False'), store: broken }));
    expect(verdict.cause).toBe('store-not-ready');
    expect(verdict.summary).toContain('authType ServicePrincipal needs');
  });

  it.each([
    [
      {
        code: 'ERR_PROVIDER_FORBIDDEN',
        message: "get secret: 403 ForbiddenByRbac — needs 'Key Vault Secrets User'",
      },
      'missing-get',
    ],
    [{ code: 'ERR_PROVIDER_NOT_FOUND', message: "get secret 'x': 404 SecretNotFound" }, 'secret-missing'],
    [
      { code: 'ERR_PROVIDER_NOT_FOUND', providerCode: 'VaultNotFound', message: '404 VaultNotFound' },
      'wrong-vault-url',
    ],
    [
      { code: 'ERR_PROVIDER_UNAVAILABLE', message: 'getaddrinfo ENOTFOUND wrong.vault.azure.net' },
      'wrong-vault-url',
    ],
    [{ code: 'ERR_PROVIDER_THROTTLED', message: 'retry in 30s' }, 'throttled'],
    [{ code: 'ERR_PROVIDER_UNAUTHENTICATED', message: 'AADSTS700016' }, 'identity-rejected'],
    [{ code: 'ERR_PROVIDER_DISABLED', message: 'disabled' }, 'secret-disabled'],
  ])('a key that cannot be read (%o) → %s', (outcome, expected) => {
    expect(causeOfOutcome({ ok: false, ...outcome })).toBe(expected);
    const keys = [{ key: 'postgresql-password', from: 'data' as const, ok: false, ...outcome }];
    expect(cause(facts({ es: es({}, 'False') }, { probe: probe({ keys }) }))).toBe(expected);
  });

  it('missing get names the role to grant', () => {
    const keys = [
      {
        key: 'postgresql-password',
        from: 'data' as const,
        ok: false,
        code: 'ERR_PROVIDER_FORBIDDEN',
        message: '403',
      },
    ];
    const { verdict } = walkChecklist(facts({}, { probe: probe({ keys }) }));
    expect(verdict.fix.join('\n')).toContain('Key Vault Secrets User');
  });

  it('a paused budget is throttling even when no read was tried', () => {
    const paused = detail({
      vaultView: {
        host: 'our-vault.vault.azure.net',
        push: { healthy: false },
        polling: { mode: 'read' },
        externalSecrets: 1,
        budget: {
          available: 0,
          capacity: 2000,
          waiting: 3,
          pausedUntil: '2026-01-01T14:00:30Z',
          throttledTotal: 4,
        },
      },
    });
    expect(cause(facts({}, { detail: paused }))).toBe('throttled');
  });

  it('stale pods and a pending restart, when a reloader says so', () => {
    const withReloader = (reloader: EsDetail['reloader']) =>
      facts({}, { info: { ...info, reloader: true }, detail: detail({ ...(reloader ? { reloader } : {}) }) });
    const stale = {
      stalePods: [{ namespace: 'default', name: 'web-1', workload: 'Deployment/web' }],
      pendingRestarts: [],
    };
    const { verdict } = walkChecklist(withReloader(stale));
    expect(verdict.cause).toBe('pods-stale');
    expect(verdict.fix[0]).toContain('kvsync restart-stale database-credentials');
    const pending = {
      ...stale,
      pendingRestarts: [
        {
          workload: 'Deployment/web',
          reason: 'outside its restart window',
          notBefore: '2026-01-02T02:00:00Z',
        },
      ],
    };
    const waiting = walkChecklist(withReloader(pending)).verdict;
    expect(waiting.cause).toBe('restart-pending');
    expect(waiting.summary).toContain('2026-01-02T02:00:00Z');
    expect(cause(withReloader({ stalePods: [], pendingRestarts: [] }))).toBe('healthy');
  });

  it('reports an unreachable operator, not checking what needs it, but still finding what the cluster shows', () => {
    const unreachable: OperatorFacts = {
      reachable: false,
      where: 'Service kvsync-system/kvsync:http',
      message: '404 not found',
    };
    const { verdict, checks } = walkChecklist(facts({ operator: unreachable }));
    expect(verdict.cause).toBe('operator-unreachable');
    expect(checks.find((check) => check.id === 'access')?.status).toBe('unknown');
    expect(cause(facts({ operator: unreachable, es: es({}, 'False') }))).toBe('sync-failed');
  });

  it('names the replica to ask when the one reached does not hold the shard', () => {
    const message =
      'ExternalSecret default/database-credentials is in shard 2, held by replica kvsync-b; this replica holds shards 0, 1';
    const { verdict, checks } = walkChecklist(
      facts(
        {},
        {
          info: { ...info, leader: true, shards: [0, 1] },
          detail: undefined,
          detailError: { error: 'NotHeldHere', message },
        },
      ),
    );
    expect(verdict.cause).toBe('operator-not-holder');
    expect(verdict.fix).toEqual([message]);
    expect(checks.find((check) => check.id === 'operator')?.status).toBe('warning');
  });

  it('not found, with the namespaces where that name exists', () => {
    const { verdict, checks } = walkChecklist(facts({ es: undefined, elsewhere: ['payments'] }));
    expect(verdict.cause).toBe('not-found');
    expect(verdict.fix).toEqual(['kvsync why database-credentials -n payments']);
    expect(checks).toHaveLength(1);
  });

  it('not reconciled yet when there is no Ready condition', () => {
    expect(cause(facts({ es: es({}, 'none') }))).toBe('not-reconciled');
  });

  it('a Secret edited by hand differs although the versions match', () => {
    const edited = probe({ diff: [{ secretKey: 'password', state: 'differs' }] });
    expect(cause(facts({}, { probe: edited }))).toBe('target-drift');
  });
});
