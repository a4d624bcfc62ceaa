import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { parseArgs } from 'node:util';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';

/**
 * `kvsync-dev vault set|get|list|delete`: a small client for people, using the real SDK and a
 * managed-identity token from the emulator's IMDS endpoint. Endpoints come from flags or from a
 * JSON file such as `.kvsync/sandbox.json` or the `keyvault` command's ready line.
 */

export const VAULT_USAGE = `Usage: kvsync-dev vault <set|get|list|delete> [args] [options]

  vault set NAME VALUE [--content-type TYPE]
  vault get NAME [--version V]          prints the value
  vault list                            one JSON line per secret (no values)
  vault delete NAME [--purge]

Options:
  --state FILE     endpoints JSON (vaults, caFile, imdsEndpoint); default .kvsync/sandbox.json
  --vault NAME     which vault of the state file (default: the first)
  --url URL        vault URL (overrides --state)
  --ca-file FILE   CA to trust (overrides --state)
  --imds URL       IMDS endpoint for the token (overrides --state)
`;

interface Endpoints {
  url: string;
  caFile: string;
  imdsEndpoint: string;
}

interface StateFile {
  vaults?: Record<string, string>;
  caFile?: string;
  imdsEndpoint?: string;
}

function endpoints(values: Record<string, string | boolean | undefined>): Endpoints {
  const stateFile = typeof values.state === 'string' ? values.state : '.kvsync/sandbox.json';
  const state: StateFile = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile)
    : {};
  const vaultName = typeof values.vault === 'string' ? values.vault : Object.keys(state.vaults ?? {})[0];
  const url = (values.url as string | undefined) ?? (vaultName ? state.vaults?.[vaultName] : undefined);
  const caFile = (values['ca-file'] as string | undefined) ?? state.caFile;
  const imdsEndpoint = (values.imds as string | undefined) ?? state.imdsEndpoint;
  if (!url || !caFile || !imdsEndpoint)
    throw new Error(
      `vault URL, CA file and IMDS endpoint are needed: pass --url, --ca-file, --imds or --state`,
    );
  return { url, caFile, imdsEndpoint };
}

function client(target: Endpoints): SecretClient {
  // The managed-identity credential finds the emulator's IMDS through this variable.
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = target.imdsEndpoint;
  const agent = new Agent({ ca: readFileSync(target.caFile, 'utf8') });
  return new SecretClient(target.url, new ManagedIdentityCredential(), { agent });
}

async function list(secrets: SecretClient, out: NodeJS.WritableStream): Promise<void> {
  for await (const properties of secrets.listPropertiesOfSecrets()) {
    const line = {
      name: properties.name,
      enabled: properties.enabled,
      contentType: properties.contentType,
      updatedOn: properties.updatedOn?.toISOString(),
      managed: properties.managed,
    };
    out.write(`${JSON.stringify(line)}\n`);
  }
}

/** Runs one `vault` subcommand; throws with a message for the user on failure. */
export async function runVaultCommand(args: string[], out: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      vault: { type: 'string' },
      url: { type: 'string' },
      'ca-file': { type: 'string' },
      imds: { type: 'string' },
      version: { type: 'string' },
      'content-type': { type: 'string' },
      purge: { type: 'boolean' },
    },
  });
  const [command, name, value] = positionals;
  const secrets = client(endpoints(values));
  if (command === 'list') return list(secrets, out);
  if (!name) throw new Error(`vault ${command ?? ''}: a secret name is needed`);
  if (command === 'set') {
    if (value === undefined) throw new Error('vault set: a value is needed');
    const contentType = values['content-type'];
    const set = await secrets.setSecret(name, value, contentType ? { contentType } : {});
    out.write(`${JSON.stringify({ name: set.name, version: set.properties.version })}\n`);
  } else if (command === 'get') {
    const got = await secrets.getSecret(name, values.version ? { version: values.version } : {});
    out.write(`${got.value ?? ''}\n`);
  } else if (command === 'delete') {
    await (await secrets.beginDeleteSecret(name, { intervalInMs: 200 })).pollUntilDone();
    if (values.purge) await secrets.purgeDeletedSecret(name);
    out.write(`${JSON.stringify({ name, deleted: true, purged: values.purge ?? false })}\n`);
  } else throw new Error(`vault: unknown subcommand "${command ?? ''}"`);
}
