import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentitySnapshot } from '../identity/index.ts';
import type { JwksUrlIssuer } from './jwks-url.ts';

/**
 * `identity.json` in the composed emulator's state directory: the identity service's snapshot
 * (principals, grants, inline issuers, token signing key) plus the issuers trusted by URL.
 * Written with mode 0600 since it holds the signing key.
 */

export interface IdentityFile {
  snapshot: IdentitySnapshot;
  jwksUrlIssuers: JwksUrlIssuer[];
}

const FILE_NAME = 'identity.json';

/** The saved state, or undefined when there is none (or it does not parse: the emulator starts afresh). */
export function readIdentityFile(dir: string | undefined): IdentityFile | undefined {
  if (!dir) return undefined;
  try {
    const saved = JSON.parse(readFileSync(join(dir, FILE_NAME), 'utf8')) as IdentitySnapshot & {
      jwksUrlIssuers?: JwksUrlIssuer[];
    };
    const { jwksUrlIssuers, ...snapshot } = saved;
    return { snapshot, jwksUrlIssuers: Array.isArray(jwksUrlIssuers) ? jwksUrlIssuers : [] };
  } catch {
    return undefined;
  }
}

/** Saves the state (the snapshot's fields at the top level, as earlier versions wrote it). */
export function writeIdentityFile(dir: string, state: IdentityFile): void {
  const text = JSON.stringify({ ...state.snapshot, jwksUrlIssuers: state.jwksUrlIssuers });
  writeFileSync(join(dir, FILE_NAME), text, { mode: 0o600 });
}
