/**
 * What `kvsync why` reasons over and what it produces: the facts gathered from the cluster and
 * the operator, the checks, the causes (most fundamental first) and the verdict.
 */
import {
  CONDITION_READY,
  type AnySecretStore,
  type Condition,
  type ExternalSecret,
} from '../../api/index.ts';
import type { ApiInfo, EsDetail, ProbeResult } from '../../server/operator-api/wire.ts';

/** Causes, most fundamental first: the verdict is the first one found. */
export const CAUSES = [
  'not-found',
  'invalid',
  'unsupported',
  'store-not-found',
  'store-not-allowed',
  'wrong-vault-url',
  'identity-rejected',
  'store-not-ready',
  'throttled',
  'missing-get',
  'secret-missing',
  'secret-disabled',
  'property-missing',
  'sync-failed',
  'not-reconciled',
  'target-missing',
  'never-refreshes',
  'refresh-not-due',
  'target-drift',
  'restart-pending',
  'pods-stale',
  'operator-unreachable',
  'operator-not-holder',
  'missing-list',
  'healthy',
] as const;
export type Cause = (typeof CAUSES)[number];

export type CheckStatus = 'ok' | 'problem' | 'warning' | 'unknown' | 'info';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  lines: string[];
}

export interface Verdict {
  cause: Cause;
  /** True only for `healthy`. */
  ok: boolean;
  summary: string;
  fix: string[];
}

export interface KubeEventView {
  type: string;
  reason: string;
  message: string;
  count?: number;
  lastTimestamp?: string;
}

export type OperatorFacts =
  | {
      reachable: true;
      where: string;
      info: ApiInfo;
      detail?: EsDetail;
      /** Why there is no detail, e.g. `NotHeldHere` from a replica that does not hold the shard. */
      detailError?: { error: string; message: string };
      probe?: ProbeResult;
      probeError?: string;
    }
  | { reachable: false; where: string; message: string };

export interface WhyFacts {
  nowMs: number;
  namespace: string;
  name: string;
  es?: ExternalSecret;
  /** Namespaces holding an ExternalSecret of this name, when `es` is missing. */
  elsewhere?: string[];
  storeKind: 'SecretStore' | 'ClusterSecretStore';
  storeName: string;
  store?: AnySecretStore;
  /** Events about the ExternalSecret, newest first. */
  events: KubeEventView[];
  operator: OperatorFacts;
}

/** What one check found: the line(s) shown and the causes it points to. */
export interface Finding {
  check: Check;
  causes: Array<{ cause: Cause; summary: string; fix: string[] }>;
}

export const ES_TITLE = 'ExternalSecret';

export function subject(facts: WhyFacts): string {
  return `${facts.namespace}/${facts.name}`;
}

export function readyOf(
  object: { status?: { conditions?: Condition[] } } | undefined,
): Condition | undefined {
  return object?.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
}

export function finding(
  id: string,
  title: string,
  status: CheckStatus,
  lines: string[],
  causes: Finding['causes'] = [],
): Finding {
  return { check: { id, title, status, lines }, causes };
}
