import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminError, readJsonBody, sendJson, type ExtraRoutes } from '../admin/index.ts';
import type { VaultAuthorization } from '../identity/index.ts';
import type { IdentityAdmin } from './identity-admin.ts';
import {
  accessPolicyPermissions,
  federatedCredentialSpec,
  jsonObject,
  principalRef,
  principalSpec,
  trustIssuerSpec,
} from './principal-input.ts';

/**
 * The admin API's routes for principals, grants, trusted issuers and open mode (table in
 * `../README.md`), plugged into the admin server as its `extraRoutes`. Bodies and answers are
 * JSON; errors are thrown as `AdminError` and answered by the admin server (400, 404).
 */

interface Call {
  admin: IdentityAdmin;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: string[];
}

interface Route {
  method: string;
  path: RegExp;
  handle(call: Call): Promise<void> | void;
}

function route(method: string, path: string, handle: Route['handle']): Route {
  return { method, path: new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}$`), handle };
}

async function body(request: IncomingMessage, what: string): Promise<Record<string, unknown>> {
  return jsonObject(await readJsonBody(request), what);
}

/** The principal named in the query (`clientId`, `objectId` or `systemAssigned=true`). */
function queryPrincipal(url: URL, what: string) {
  return principalRef(Object.fromEntries(url.searchParams), what);
}

function principalRoutes(): Route[] {
  return [
    route('GET', '/principals', ({ admin, response }) =>
      sendJson(response, 200, { principals: admin.listPrincipals() }),
    ),
    route('POST', '/principals', async ({ admin, request, response }) => {
      const parsed = principalSpec(await readJsonBody(request));
      const created =
        parsed.kind === 'service-principal'
          ? admin.addServicePrincipal(parsed.spec)
          : admin.addManagedIdentity(parsed.spec);
      sendJson(response, 201, created);
    }),
    route('DELETE', '/principals/:id', ({ admin, response, params }) => {
      if (!admin.removePrincipal(params[0]!))
        throw new AdminError('NotFound', `no principal with client id '${params[0]!.slice(0, 64)}'`);
      sendJson(response, 204);
    }),
    route('POST', '/principals/:id/federated-credentials', async ({ admin, request, response, params }) => {
      const spec = federatedCredentialSpec(await readJsonBody(request), 'add federated credential');
      sendJson(response, 201, admin.addFederatedCredential(params[0]!, spec));
    }),
  ];
}

function vaultRoutes(): Route[] {
  return [
    route('GET', '/vaults/:vault/access', ({ admin, response, params }) =>
      sendJson(response, 200, admin.vaultAccess(params[0]!)),
    ),
    route('PUT', '/vaults/:vault/authorization', async ({ admin, request, response, params }) => {
      const { model } = await body(request, 'set vault authorization');
      if (model !== 'rbac' && model !== 'access-policy')
        throw new AdminError(
          'InvalidRequest',
          "set vault authorization: 'model' must be 'rbac' or 'access-policy'",
        );
      sendJson(response, 200, admin.setVaultAuthorization(params[0]!, model as VaultAuthorization));
    }),
    route('POST', '/vaults/:vault/role-assignments', async ({ admin, request, response, params }) => {
      const source = await body(request, 'grant role');
      if (typeof source.role !== 'string' || source.role.trim() === '')
        throw new AdminError('InvalidRequest', "grant role: 'role' must be a role name or id");
      const principal = principalRef(source, 'grant role');
      sendJson(response, 201, admin.grantRole(params[0]!, principal, source.role));
    }),
    route('DELETE', '/vaults/:vault/role-assignments', ({ admin, response, url, params }) => {
      const role = url.searchParams.get('role') ?? undefined;
      const removed = admin.revokeRole(params[0]!, queryPrincipal(url, 'revoke role'), role);
      if (removed === 0) throw new AdminError('NotFound', 'revoke role: no such role assignment');
      sendJson(response, 204);
    }),
    route('PUT', '/vaults/:vault/access-policies', async ({ admin, request, response, params }) => {
      const source = await body(request, 'set access policy');
      const permissions = accessPolicyPermissions(source.permissions ?? {}, 'set access policy');
      sendJson(
        response,
        200,
        admin.setAccessPolicy(params[0]!, principalRef(source, 'set access policy'), permissions),
      );
    }),
    route('DELETE', '/vaults/:vault/access-policies', ({ admin, response, url, params }) => {
      if (!admin.removeAccessPolicy(params[0]!, queryPrincipal(url, 'remove access policy')))
        throw new AdminError('NotFound', 'remove access policy: no such access policy');
      sendJson(response, 204);
    }),
  ];
}

function issuerAndModeRoutes(): Route[] {
  return [
    route('GET', '/issuers', ({ admin, response }) =>
      sendJson(response, 200, { issuers: admin.trustedIssuers() }),
    ),
    route('POST', '/issuers', async ({ admin, request, response }) =>
      sendJson(response, 201, await admin.trustIssuer(trustIssuerSpec(await readJsonBody(request)))),
    ),
    route('DELETE', '/issuers', ({ admin, response, url }) => {
      const issuer = url.searchParams.get('issuer') ?? '';
      if (!admin.distrustIssuer(issuer))
        throw new AdminError('NotFound', `issuer '${issuer.slice(0, 100)}' is not trusted`);
      sendJson(response, 204);
    }),
    route('GET', '/open-mode', ({ admin, response }) =>
      sendJson(response, 200, { open: admin.isOpenMode() }),
    ),
    route('PUT', '/open-mode', async ({ admin, request, response }) => {
      const { open } = await body(request, 'set open mode');
      if (typeof open !== 'boolean')
        throw new AdminError('InvalidRequest', "set open mode: 'open' must be a boolean");
      admin.setOpenMode(open);
      sendJson(response, 200, { open });
    }),
  ];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AdminError('InvalidRequest', 'the path is not validly percent-encoded');
  }
}

/**
 * The routes as the admin server's `extraRoutes`: answers its paths (405 for another method on
 * one of them) and returns false for anything else.
 */
export function identityAdminRoutes(admin: IdentityAdmin): ExtraRoutes {
  const routes = [...principalRoutes(), ...vaultRoutes(), ...issuerAndModeRoutes()];
  return async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    const matching = routes.filter((candidate) => candidate.path.test(path));
    if (matching.length === 0) return false;
    const chosen = matching.find((candidate) => candidate.method === method);
    if (!chosen) {
      sendJson(response, 405, {
        error: { code: 'MethodNotAllowed', message: `${method} ${path} is not supported` },
      });
      return true;
    }
    const params = chosen.path.exec(path)!.slice(1).map(decodeSegment);
    await chosen.handle({ admin, request, response, url, params });
    return true;
  };
}
