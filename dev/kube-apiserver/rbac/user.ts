/**
 * Who a request acts as, in the shape of apiserver's `user.Info`: a name, groups, and for
 * ServiceAccounts the account's uid. RBAC subjects match on these.
 */

export interface UserInfo {
  username: string;
  /** Set for ServiceAccounts (the account's uid); absent for the admin and anonymous. */
  uid?: string;
  groups: string[];
  /** Extra attributes (`authentication.kubernetes.io/...`); absent when none. */
  extra?: Record<string, string[]>;
}

/** The group that every authorizer lets do everything (the admin kubeconfig's group). */
export const SYSTEM_MASTERS = 'system:masters';
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
export const SYSTEM_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const ANONYMOUS_USERNAME = 'system:anonymous';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** The user of the kubeconfig's admin token. */
export const ADMIN_USER: UserInfo = Object.freeze({
  username: 'kubernetes-admin',
  groups: Object.freeze([SYSTEM_MASTERS, SYSTEM_AUTHENTICATED]) as string[],
});

/** A request without credentials on a path that admits them (`/healthz`, `/version`, …). */
export const ANONYMOUS_USER: UserInfo = Object.freeze({
  username: ANONYMOUS_USERNAME,
  groups: Object.freeze([SYSTEM_UNAUTHENTICATED]) as string[],
});

/** `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** The namespace and name of a ServiceAccount username; undefined for any other username. */
export function parseServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (!namespace || !name || rest.length > 0) return undefined;
  return { namespace, name };
}

/** The groups of every ServiceAccount of `namespace`, without `system:authenticated`. */
export function serviceAccountGroups(namespace: string): string[] {
  return [SYSTEM_SERVICE_ACCOUNTS, `${SYSTEM_SERVICE_ACCOUNTS}:${namespace}`];
}

/** The user a ServiceAccount token authenticates as. */
export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return {
    username: serviceAccountUsername(namespace, name),
    uid,
    groups: [...serviceAccountGroups(namespace), SYSTEM_AUTHENTICATED],
  };
}
