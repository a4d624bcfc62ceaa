/**
 * Per-store and per-vault views: store health, and for each vault the Key Vault request budget,
 * whether Event Grid push works and how it is polled. Pure functions over what the operator
 * holds; the caller passes the time.
 */
import { CONDITION_READY, type AnySecretStore } from '../../api/index.ts';
import type { ChangeTracking } from '../../controllers/external-secret/refresh-plan.ts';
import type { VaultBudgetState } from '../../refresh/budget.ts';
import { safeVaultHost, vaultUrlOf } from './summary.ts';
import type { BudgetView, StoreView, VaultView } from './wire.ts';

export type StoreKindName = 'SecretStore' | 'ClusterSecretStore';

/** The budget's read side (`VaultBudget` satisfies it); vaults are keyed by URL. */
export interface BudgetSource {
  vaults(): string[];
  state(vault: string): VaultBudgetState;
}

/** Event Grid deliveries the operator was told about, per vault host. */
export interface PushRecord {
  lastEventMs: number;
  count: number;
}

export interface VaultFacts {
  changes?: ChangeTracking;
  budget?: BudgetSource;
  /** Requests per 10 s the budget allows. */
  budgetCapacity?: number;
  pushEvents: ReadonlyMap<string, PushRecord>;
}

/** `SecretStore:ns/name` or `ClusterSecretStore:name`, as the operator's store index writes it. */
export function storeIndexKey(kind: StoreKindName, namespace: string | undefined, name: string): string {
  return kind === 'SecretStore' ? `SecretStore:${namespace}/${name}` : `ClusterSecretStore:${name}`;
}

export function storeView(kind: StoreKindName, store: AnySecretStore, externalSecrets: number): StoreView {
  const ready = store.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
  const vault = safeVaultHost(vaultUrlOf(store));
  return {
    kind,
    ...(store.metadata.namespace ? { namespace: store.metadata.namespace } : {}),
    name: store.metadata.name ?? '',
    ...(ready ? { ready: ready.status === 'True' } : {}),
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(ready?.message ? { message: ready.message } : {}),
    ...(vault ? { vault } : {}),
    externalSecrets,
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The budget of `host`: of the budget's vault URLs with that host, the one with the fewest requests left. */
function budgetOf(host: string, facts: VaultFacts): BudgetView | undefined {
  const states = (facts.budget?.vaults() ?? [])
    .filter((url) => safeVaultHost(url) === host)
    .map((url) => facts.budget!.state(url));
  if (states.length === 0) return undefined;
  const state = states.reduce((a, b) => (b.available < a.available ? b : a));
  return {
    available: state.available,
    ...(facts.budgetCapacity !== undefined ? { capacity: facts.budgetCapacity } : {}),
    waiting: state.waiting,
    ...(state.pausedUntilMs !== undefined ? { pausedUntil: iso(state.pausedUntilMs) } : {}),
    throttledTotal: states.reduce((sum, each) => sum + each.throttledTotal, 0),
  };
}

export function vaultView(host: string, facts: VaultFacts, externalSecrets: number): VaultView {
  const polls = facts.changes?.polls;
  const pushed = facts.pushEvents.get(host);
  const budget = budgetOf(host, facts);
  const nextPollMs = polls?.nextPollMs(host);
  const listedAtMs = facts.changes?.versions.listedAtMs(host);
  return {
    host,
    ...(budget ? { budget } : {}),
    push: {
      healthy: polls?.pushHealthy(host) ?? false,
      ...(polls?.pushDeclared(host) ? { declared: true } : {}),
      ...(pushed ? { lastEventAt: iso(pushed.lastEventMs), events: pushed.count } : {}),
    },
    polling: {
      mode: polls?.mode(host) ?? 'read',
      ...(nextPollMs !== undefined ? { nextPollAt: iso(nextPollMs) } : {}),
      ...(listedAtMs !== undefined ? { listedAt: iso(listedAtMs) } : {}),
    },
    externalSecrets,
  };
}

/** Every vault host that stores name or the budget has seen, sorted. */
export function knownVaultHosts(stores: readonly AnySecretStore[], facts: VaultFacts): string[] {
  const hosts = new Set<string>();
  for (const store of stores) {
    const host = safeVaultHost(vaultUrlOf(store));
    if (host) hosts.add(host);
  }
  for (const url of facts.budget?.vaults() ?? []) {
    const host = safeVaultHost(url);
    if (host) hosts.add(host);
  }
  for (const host of facts.pushEvents.keys()) hosts.add(host);
  return [...hosts].sort();
}
