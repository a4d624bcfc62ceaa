import { parseArgs } from 'node:util';
import { startKubeApiServer } from './kube-apiserver/index.ts';

/**
 * `kvsync-dev <tool>`: development tools. Each server prints one JSON line `{"ready": true, …}`
 * on stdout once it serves, and stops cleanly on SIGTERM or SIGINT.
 */

const USAGE = `Usage: kvsync-dev <command> [options]

Commands:
  kube-apiserver --port N --kubeconfig FILE   Kubernetes API emulator (HTTPS, bearer token)

Options:
  --port N          port to listen on (0 = any free port; default 0)
  --host ADDR       address to bind (default 127.0.0.1)
  --kubeconfig FILE where to write the kubeconfig for kubectl and client-node
  -h, --help        this help
`;

function fail(message: string): never {
  process.stderr.write(`kvsync-dev: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, got "${value}"`);
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
    options: { port: { type: 'string' }, host: { type: 'string' }, kubeconfig: { type: 'string' } },
    strict: true,
  });
  const server = await startKubeApiServer({
    port: parsePort(values.port),
    ...(values.host ? { host: values.host } : {}),
    ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
  });
  stopOnSignals(() => server.close());
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, kubeconfig: server.kubeconfig })}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  try {
    if (command === 'kube-apiserver') return await kubeApiServer(rest);
  } catch (error) {
    fail((error as Error).message);
  }
  fail(`unknown command "${command}"`);
}

await main(process.argv.slice(2));
