import type { RequestAttributes } from './attributes.ts';
import type { Authorizer, Decision } from './authorizer.ts';

/**
 * A record of the authorization decisions made on requests, per user, so that tests can compare
 * what a client was granted with what it used (least privilege both ways: no 403, and no right
 * that nothing needed). Decisions are aggregated: one record per distinct (user, attributes,
 * outcome) with a count, so a long run costs memory by variety, not by traffic. Access reviews
 * (`kubectl auth can-i`, SubjectAccessReview) are questions, not uses, and are not recorded.
 */

/** One distinct decision. Resource requests carry the `RequestInfo` fields; others the path. */
export type AuthorizationRecord = {
  username: string;
  verb: string;
  allowed: boolean;
  /** How many requests got this decision. */
  count: number;
} & (
  | {
      kind: 'resource';
      apiGroup: string;
      resource: string;
      /** '' when none. */
      subresource: string;
      /** '' for cluster-scoped requests and lists across all namespaces. */
      namespace: string;
      /** '' when the request names no object. */
      name: string;
    }
  | { kind: 'non-resource'; path: string }
);

/**
 * Past this many distinct records new ones are dropped (counted in `dropped`): a test's run makes
 * hundreds, while a sandbox or benchmark naming thousands of objects must not grow without end.
 */
const MAX_RECORDS = 20_000;

export class AuthorizationLog {
  readonly #records = new Map<string, AuthorizationRecord>();
  /** Decisions not kept because the log was full. */
  dropped = 0;

  record(attributes: RequestAttributes, decision: Decision): void {
    const entry = recordOf(attributes, decision.allowed);
    const { count: _count, ...identity } = entry;
    const key = JSON.stringify(identity);
    const existing = this.#records.get(key);
    if (existing) existing.count += 1;
    else if (this.#records.size >= MAX_RECORDS) this.dropped += 1;
    else this.#records.set(key, entry);
  }

  /** Copies of the records, in the order first seen; of one user when `username` is given. */
  records(username?: string): AuthorizationRecord[] {
    return [...this.#records.values()]
      .filter((record) => username === undefined || record.username === username)
      .map((record) => ({ ...record }));
  }
}

function recordOf(attributes: RequestAttributes, allowed: boolean): AuthorizationRecord {
  const common = { username: attributes.user.username, verb: attributes.verb, allowed, count: 1 };
  if (attributes.kind === 'non-resource') return { ...common, kind: 'non-resource', path: attributes.path };
  const { apiGroup, resource, subresource, namespace, name } = attributes;
  return { ...common, kind: 'resource', apiGroup, resource, subresource, namespace, name };
}

/** `authorizer`, with each decision also written to `log`. */
export function recordingAuthorizer(authorizer: Authorizer, log: AuthorizationLog): Authorizer {
  return {
    authorize(attributes) {
      const decision = authorizer.authorize(attributes);
      log.record(attributes, decision);
      return decision;
    },
    rulesFor: (user, namespace) => authorizer.rulesFor(user, namespace),
  };
}
