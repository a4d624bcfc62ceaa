import { parseArgs } from 'node:util';
import { startDevKeyVault } from './keyvault/dev-emulator.ts';
import { runVaultCommand, VAULT_USAGE } from './keyvault/vault-cli.ts';
import { startKubeApiServer } from './kube-apiserver/index.ts';

/**
 * `kvsync-dev <tool>`: development tools. Each server prints one JSON line `{"ready": true, …}`
 * on stdout once it serves, and stops cleanly on SIGTERM or SIGINT.
 */

const USAGE = `Usage: kvsync-dev <command> [options]

Commands:
  kube-apiserver --port N --kubeconfig FILE [--rbac]
                                              Kubernetes API emulator (HTTPS, bearer token);
                                              --rbac enforces RBAC (default: allow all)
  keyvault --port N --dir DIR [--vault NAME]… [--no-open]
                                              Azure Key Vault + identity emulator (HTTPS);
                                              --no-open starts without open mode (RBAC)
  vault set|get|list|delete …                 talk to a running emulator with the real SDK

Options:
  --port N          port to listen on (0 = any free port; default 0)
  --host ADDR       address to bind (default 127.0.0.1)
  --kubeconfig FILE where to write the kubeconfig for kubectl and client-node
  --dir DIR         where the Key Vault emulator keeps state, CA and ports (default: memory)
  --vault NAME      a vault to serve (repeatable; default our-vault)
  -h, --help        this help
`;

function fail(message: string): never {
  process.stderr.write(`kvsync-dev: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a number from 0 to 65535, got "${value}"`);
  return port;
}

function stopOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`kvsync-dev: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function kubeApiServer(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      kubeconfig: { type: 'string' },
      rbac: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const server = await startKubeApiServer({
    port: parsePort(values.port),
    rbac: values.rbac,
    ...(values.host ? { host: values.host } : {}),
    ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
  });
  stopOnSignals(() => server.close());
  process.stdout.write(
    `${JSON.stringify({ ready: true, url: server.url, kubeconfig: server.kubeconfig })}\n`,
  );
}

async function keyVault(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      dir: { type: 'string' },
      vault: { type: 'string', multiple: true },
      open: { type: 'boolean', default: true },
    },
    allowNegative: true,
    strict: true,
  });
  const emulator = await startDevKeyVault({
    port: parsePort(values.port),
    open: values.open,
    ...(values.dir ? { dir: values.dir } : {}),
    ...(values.vault?.length ? { vaults: values.vault } : {}),
  });
  stopOnSignals(() => emulator.close());
  const ready = {
    ready: true,
    vaults: emulator.vaults,
    azureVaultUrls: emulator.azureVaultUrls,
    caFile: emulator.caFile,
    imdsEndpoint: emulator.imdsEndpoint,
    authorityHost: emulator.authorityHost,
    tenantId: emulator.tenantId,
    adminUrl: emulator.adminUrl,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  try {
    if (command === 'kube-apiserver') return await kubeApiServer(rest);
    if (command === 'keyvault') return await keyVault(rest);
    if (command === 'vault') {
      if (!rest.length || rest[0] === '--help' || rest[0] === '-h')
        return void process.stdout.write(VAULT_USAGE);
      return await runVaultCommand(rest, process.stdout);
    }
  } catch (error) {
    fail((error as Error).message);
  }
  fail(`unknown command "${command}"`);
}

await main(process.argv.slice(2));
