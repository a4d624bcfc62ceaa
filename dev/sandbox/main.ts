import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSandbox } from './sandbox.ts';

/**
 * `npm start`: the local sandbox (see sandbox.ts). Writes `.kvsync/sandbox.json` (the contract
 * in DESIGN.md), prints the endpoints and three things to try, and stops everything it started
 * on SIGINT/SIGTERM.
 */

const STATE_DIR = resolve('.kvsync');

async function main(): Promise<void> {
  const sandbox = await startSandbox({ dir: STATE_DIR });
  const { endpoints } = sandbox;
  const sandboxFile = join(STATE_DIR, 'sandbox.json');
  writeFileSync(sandboxFile, `${JSON.stringify(endpoints, null, 2)}\n`);
  const kubectl = `kubectl --kubeconfig ${endpoints.kubeconfig}`;
  process.stdout.write(
    [
      'kvsync sandbox is running.',
      `  Kubernetes API  ${endpoints.kubernetesUrl}`,
      `  kubeconfig      ${endpoints.kubeconfig}`,
      ...Object.entries(endpoints.vaults).map(
        ([name, url]) =>
          `  Key Vault       ${name}: ${url} (also https://${name}.vault.azure.net for the operator)`,
      ),
      `  IMDS            ${endpoints.imdsEndpoint}`,
      `  dashboard       ${endpoints.dashboardUrl}`,
      `  metrics         ${endpoints.metricsUrl}`,
      `  operator log    ${endpoints.operatorLog}`,
      `  endpoints       ${sandboxFile}`,
      '',
      'Try:',
      `  ${kubectl} get externalsecrets -A`,
      `  npx kvsync-dev vault set postgresql-password "rotated-$(date +%s)"   # Event Grid push: synced in about a second`,
      `  npx kvsync why database-credentials --kubeconfig ${endpoints.kubeconfig}`,
      '',
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sandbox.close().finally(() => {
      rmSync(sandboxFile, { force: true });
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
