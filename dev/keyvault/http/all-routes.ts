import { CERTIFICATE_ROUTES } from './certificate-routes.ts';
import { KEY_ROUTES } from './key-routes.ts';
import type { Route } from './routes.ts';
import { SECRET_ROUTES } from './secret-routes.ts';

/** Every data-plane route, in matching order. */
export const VAULT_ROUTES: readonly Route[] = [...SECRET_ROUTES, ...KEY_ROUTES, ...CERTIFICATE_ROUTES];
