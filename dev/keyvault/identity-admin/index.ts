/**
 * Principals, grants, trusted issuers and open mode of the composed emulator, as functions
 * (`createIdentityAdmin`) and as admin API routes (`identityAdminRoutes`).
 */
export {
  createIdentityAdmin,
  type IdentityAdmin,
  type IdentityAdminOptions,
  type PrincipalView,
  type TrustedIssuerView,
  type VaultAccessView,
} from './identity-admin.ts';
export { readIdentityFile, writeIdentityFile, type IdentityFile } from './identity-file.ts';
export { fetchJwks, JwksUrlIssuers, type JwksUrlIssuer } from './jwks-url.ts';
export type {
  FederatedCredentialSpec,
  ManagedIdentitySpec,
  PrincipalRef,
  ServicePrincipalSpec,
  TrustIssuerSpec,
} from './principal-input.ts';
export { identityAdminRoutes } from './routes.ts';
