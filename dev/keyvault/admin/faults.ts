import type { VaultRequestInfo } from '../contracts.ts';
import { AdminError } from './errors.ts';

/** Which requests a fault applies to, and how often. Unset filters match everything. */
export interface FaultMatch {
  vault?: string;
  /** Operation name as the server reports it (`getSecret`, `setSecret`, `getSecrets`, …), or several. */
  operation?: string | string[];
  objectName?: string;
  /** Applies to the first `count` matching requests (after the probability draw), then stays idle. */
  count?: number;
  /** Chance in [0, 1] that a matching request is hit; default 1. */
  probability?: number;
}

/** An answer in Azure's error shape: 429 (with or without `Retry-After`), 5xx, 403 (with `innerCode`), … */
export interface StatusFault {
  kind: 'status';
  status: number;
  /** Adds `Retry-After` (seconds). Left out, a 429 carries none, like the real service. */
  retryAfterSeconds?: number;
  /** `error.code`; defaults by status (`Throttled`, `Forbidden`, `ServiceUnavailable`, …). */
  code?: string;
  message?: string;
  /** `innererror.code`; on 403 the default is `ForbiddenByRbac`. */
  innerCode?: string;
}

/** Delays the request by `latencyMs`, then lets it through (or on to a later rule). */
export interface LatencyFault {
  kind: 'latency';
  latencyMs: number;
}

/** Destroys the connection without an answer (the client sees ECONNRESET). */
export interface ResetFault {
  kind: 'reset';
}

/** One fault rule as given to `addFault`. */
export type FaultRule = FaultMatch & (StatusFault | LatencyFault | ResetFault);

/** A stored rule, with its id and how often it has fired. */
export type FaultRuleState = FaultRule & { id: string; applied: number };

/** What the fault rules decide for one request: a total delay, then maybe a final action. */
export interface FaultDecision {
  delayMs: number;
  action?: (StatusFault | ResetFault) & { ruleId: string };
}

/**
 * The fault rules, checked in the order they were added. Latency rules add up; the first
 * status or reset rule that applies ends the walk. Not shared between emulators.
 */
export class FaultRegistry {
  readonly #rules: FaultRuleState[] = [];
  readonly #random: () => number;
  #nextId = 1;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Validates and stores `rule`; returns its id. Throws `InvalidFaultRule`. */
  add(rule: FaultRule): string {
    validateFaultRule(rule);
    const id = `fault-${this.#nextId++}`;
    this.#rules.push({ ...structuredClone(rule), id, applied: 0 });
    return id;
  }

  /** Removes one rule; false when no rule has that id. */
  remove(id: string): boolean {
    const index = this.#rules.findIndex((rule) => rule.id === id);
    if (index < 0) return false;
    this.#rules.splice(index, 1);
    return true;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** Copies of the rules with their `applied` counts. */
  list(): FaultRuleState[] {
    return this.#rules.map((rule) => structuredClone(rule));
  }

  /** Decides what happens to `info`, counting the rules that fire. */
  decide(info: VaultRequestInfo): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    for (const rule of this.#rules) {
      if (!matches(rule, info) || !this.#fires(rule)) continue;
      rule.applied++;
      if (rule.kind === 'latency') {
        decision.delayMs += rule.latencyMs;
        continue;
      }
      decision.action =
        rule.kind === 'reset' ? { kind: 'reset', ruleId: rule.id } : { ...pickStatus(rule), ruleId: rule.id };
      break;
    }
    return decision;
  }

  #fires(rule: FaultRuleState): boolean {
    if (rule.count !== undefined && rule.applied >= rule.count) return false;
    return rule.probability === undefined || this.#random() < rule.probability;
  }
}

function pickStatus(rule: StatusFault): StatusFault {
  const { kind, status, retryAfterSeconds, code, message, innerCode } = rule;
  return { kind, status, retryAfterSeconds, code, message, innerCode };
}

function matches(rule: FaultMatch, info: VaultRequestInfo): boolean {
  if (rule.vault !== undefined && rule.vault.toLowerCase() !== info.vault.toLowerCase()) return false;
  if (rule.objectName !== undefined && rule.objectName.toLowerCase() !== info.objectName?.toLowerCase()) {
    return false;
  }
  if (rule.operation === undefined) return true;
  const operations = Array.isArray(rule.operation) ? rule.operation : [rule.operation];
  return operations.includes(info.operation);
}

function invalid(message: string): never {
  throw new AdminError('InvalidFaultRule', `add fault: ${message}`);
}

/** Checks a rule that may come from JSON. Throws `InvalidFaultRule` naming the bad field. */
export function validateFaultRule(rule: unknown): asserts rule is FaultRule {
  if (typeof rule !== 'object' || rule === null) invalid('the rule must be an object');
  const r = rule as Record<string, unknown>;
  for (const key of ['vault', 'objectName'] as const) {
    if (r[key] !== undefined && typeof r[key] !== 'string') invalid(`'${key}' must be a string`);
  }
  const operation = r['operation'];
  const operationOk =
    operation === undefined ||
    typeof operation === 'string' ||
    (Array.isArray(operation) && operation.every((item) => typeof item === 'string'));
  if (!operationOk) invalid("'operation' must be a string or an array of strings");
  const count = r['count'];
  if (count !== undefined && !(Number.isInteger(count) && (count as number) > 0)) {
    invalid("'count' must be a positive integer");
  }
  const probability = r['probability'];
  if (
    probability !== undefined &&
    !(typeof probability === 'number' && probability >= 0 && probability <= 1)
  ) {
    invalid("'probability' must be a number in [0, 1]");
  }
  validateKind(r);
}

function validateKind(r: Record<string, unknown>): void {
  switch (r['kind']) {
    case 'status': {
      const status = r['status'];
      if (!(Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599)) {
        invalid("'status' must be an integer from 400 to 599");
      }
      const retryAfter = r['retryAfterSeconds'];
      if (retryAfter !== undefined && !(typeof retryAfter === 'number' && retryAfter >= 0)) {
        invalid("'retryAfterSeconds' must be a number ≥ 0");
      }
      for (const key of ['code', 'message', 'innerCode'] as const) {
        if (r[key] !== undefined && typeof r[key] !== 'string') invalid(`'${key}' must be a string`);
      }
      return;
    }
    case 'latency': {
      const latency = r['latencyMs'];
      if (!(typeof latency === 'number' && latency >= 0 && Number.isFinite(latency))) {
        invalid("'latencyMs' must be a number ≥ 0");
      }
      return;
    }
    case 'reset':
      return;
    default:
      invalid("'kind' must be 'status', 'latency' or 'reset'");
  }
}
