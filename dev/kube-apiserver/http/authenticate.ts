import type { IncomingMessage } from 'node:http';
import type { ObjectApi } from '../api/object-api.ts';
import { ADMIN_USER, serviceAccountUser, type UserInfo } from '../rbac/user.ts';
import type { TokenAuthority } from './tokens.ts';

/**
 * Bearer-token authentication: the kubeconfig's admin token is `kubernetes-admin` in
 * `system:masters`; a ServiceAccount token is its account, as long as that account still exists
 * with the uid the token names (deleting a ServiceAccount revokes its tokens, as upstream).
 */

export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

/** The user a bearer token authenticates as; undefined for a missing, unknown or stale token. */
export function authenticateToken(
  tokens: TokenAuthority,
  api: ObjectApi,
  token: string | undefined,
): UserInfo | undefined {
  if (!token) return undefined;
  if (token === tokens.adminToken) return ADMIN_USER;
  const account = tokens.serviceAccountOf(token, api.clock.now().getTime());
  if (!account) return undefined;
  const bucket = api.registry.find('', 'serviceaccounts')!.bucket;
  const stored = api.store.get(bucket, account.namespace, account.name);
  if (stored?.metadata.uid !== account.uid) return undefined;
  return serviceAccountUser(account.namespace, account.name, account.uid);
}
