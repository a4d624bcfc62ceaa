/**
 * What a diagnosis command works with: a Kubernetes client from the user's kubeconfig (as
 * kubectl: `--kubeconfig`, KUBECONFIG, `--context`), the namespace (`-n`, else the context's,
 * else `default`), the operator client, and the printing choices.
 */
import { createKubeClient, type KubeClient } from '../kube/index.ts';
import type { SharedArgs } from './args.ts';
import type { CliIo } from './io.ts';
import {
  operatorAtUrl,
  operatorThroughProxy,
  sandboxOperatorUrl,
  type OperatorClient,
} from './operator-client.ts';
import { paint, type Paint } from './output.ts';

export interface Session {
  args: SharedArgs;
  io: CliIo;
  kube: KubeClient;
  /** The namespace names resolve in. */
  namespace: string;
  /** The namespace lists cover; undefined with `-A`. */
  listScope: string | undefined;
  operator: OperatorClient;
  paint: Paint;
  nowMs(): number;
}

/** The kubeconfig file in use: `--kubeconfig`, else a single-file KUBECONFIG; undefined lets client-node decide. */
function kubeconfigPath(args: SharedArgs, env: CliIo['env']): string | undefined {
  if (args.kubeconfig) return args.kubeconfig;
  const fromEnv = env['KUBECONFIG'];
  return fromEnv && !fromEnv.includes(':') ? fromEnv : undefined;
}

/** Throws ERR_INVALID_CONFIG when the kubeconfig cannot be loaded or the context does not exist. */
export function openSession(args: SharedArgs, io: CliIo, options: { nowMs?: () => number } = {}): Session {
  const path = kubeconfigPath(args, io.env);
  const kube = createKubeClient({
    ...(path ? { kubeconfigPath: path } : {}),
    ...(args.context ? { context: args.context } : {}),
  });
  const config = kube.kubeConfig;
  const contextNamespace = config.getContextObject(config.getCurrentContext())?.namespace;
  const namespace = args.namespace ?? (contextNamespace || 'default');
  const url = args.operatorUrl ?? sandboxOperatorUrl(io.cwd, path);
  const operator = url
    ? operatorAtUrl(url)
    : operatorThroughProxy(config, {
        namespace: args.operatorNamespace,
        name: args.operatorService.name,
        port: args.operatorService.port,
      });
  return {
    args,
    io,
    kube,
    namespace,
    listScope: args.allNamespaces ? undefined : namespace,
    operator,
    paint: paint(args.color),
    nowMs: options.nowMs ?? (() => Date.now()),
  };
}
