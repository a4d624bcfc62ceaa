import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDevKeyVault } from '../keyvault/dev-emulator.ts';
import { startKubeApiServer } from '../kube-apiserver/index.ts';

/**
 * `npm start`: the local sandbox. Today it runs the Kubernetes API emulator and the Key Vault
 * emulator (open mode, vault `our-vault`); the operator and the dashboard join it as they land. It writes `.kvsync/sandbox.json`
 * (the contract in DESIGN.md) and stops everything it started on SIGINT/SIGTERM.
 */

const STATE_DIR = resolve('.kvsync');

async function main(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  const kubeconfig = join(STATE_DIR, 'kubeconfig');
  const kube = await startKubeApiServer({ port: 0, kubeconfigPath: kubeconfig });
  const caFile = join(STATE_DIR, 'kube-ca.pem');
  writeFileSync(caFile, kube.caPem);
  const vault = await startDevKeyVault({
    vaults: ['our-vault'],
    dir: join(STATE_DIR, 'keyvault'),
    open: true,
  });
  const sandbox = {
    kubeconfig,
    kubernetesUrl: kube.url,
    kubernetesCaFile: caFile,
    vaults: vault.vaults,
    azureVaultUrls: vault.azureVaultUrls,
    caFile: vault.caFile,
    imdsEndpoint: vault.imdsEndpoint,
    authorityHost: vault.authorityHost,
    tenantId: vault.tenantId,
    keyVaultAdminUrl: vault.adminUrl,
  };
  const sandboxFile = join(STATE_DIR, 'sandbox.json');
  writeFileSync(sandboxFile, `${JSON.stringify(sandbox, null, 2)}\n`);

  process.stdout.write(
    [
      'kvsync sandbox is running.',
      `  Kubernetes API  ${kube.url}`,
      `  kubeconfig      ${kubeconfig}`,
      ...Object.entries(vault.vaults).map(([name, url]) => `  Key Vault       ${name}: ${url}`),
      `  IMDS            ${vault.imdsEndpoint}`,
      `  endpoints       ${sandboxFile}`,
      '',
      `Try:  KUBECONFIG=${kubeconfig} kubectl get namespaces`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.allSettled([kube.close(), vault.close()]).finally(() => {
      rmSync(sandboxFile, { force: true });
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
