/**
 * `kvsync status`: a table of ExternalSecrets. What is visible in the cluster (store, interval,
 * last and next sync, state) comes from the Kubernetes API with the user's credentials; what
 * only the operator knows (Key Vault holds a newer version, stale pods, pending restarts, push)
 * comes from the operator, and shows `?` when it cannot be asked.
 */
import type { ExternalSecret } from '../../api/index.ts';
import { esKey, summarize } from '../../server/operator-api/summary.ts';
import type { EsState, EsSummary, VaultView } from '../../server/operator-api/wire.ts';
import { checkName, parseCommand, sharedArgs } from '../args.ts';
import { commandHelp, renderCommandHelp } from '../help.ts';
import { EXIT_OK, EXIT_PROBLEM, type CliIo } from '../io.ts';
import { intervalText, relativeTime, renderJson, renderTable, renderYaml, type Paint } from '../output.ts';
import { openSession, type Session } from '../session.ts';

const ES_API = 'external-secrets.io/v1';

/** One row of `kvsync status`, as `-o json` prints it. */
export interface StatusRow {
  namespace: string;
  name: string;
  store: string;
  intervalMs: number;
  refreshTime?: string;
  nextRefreshTime?: string;
  state: EsState;
  reason?: string;
  message?: string;
  target: string;
  vault?: string;
  /** null: the operator could not be asked, or does not know. */
  keyVaultNewer: boolean | null;
  /** null: unknown; absent: the operator runs no reloader. */
  stalePods?: number | null;
  pendingRestarts?: number | null;
  pushHealthy?: boolean | null;
}

export interface OperatorView {
  summaries: ReadonlyMap<string, EsSummary>;
  vaults: ReadonlyMap<string, VaultView>;
  reloader: boolean;
  /** With `--shards`: the shards of the replica asked, which knows only their ExternalSecrets. */
  shards?: number[];
}

/**
 * With `--shards`, a replica knows only the ExternalSecrets of its shards: says how many rows
 * therefore show "?", and how to learn more. Undefined when the replica knew them all.
 */
export function shardNote(items: readonly ExternalSecret[], view: OperatorView): string | undefined {
  if (!view.shards) return undefined;
  const unknown = items.filter((es) => !view.summaries.has(esKey(es)));
  if (unknown.length === 0) return undefined;
  const plural = unknown.length === 1 ? '' : 's';
  return (
    `the replica asked holds shards ${view.shards.join(', ') || 'none'} only; ` +
    `${unknown.length} ExternalSecret${plural} of other shards ${unknown.length === 1 ? 'shows' : 'show'} "?" (kvsync why NAME names the replica to ask)`
  );
}

/** Rows from the cluster's ExternalSecrets and, when it could be asked, the operator's view. */
export function statusRows(
  items: readonly ExternalSecret[],
  operator: OperatorView | undefined,
): StatusRow[] {
  return items.map((es) => {
    const local = summarize(es, {});
    const remote = operator?.summaries.get(local.key);
    const drift = remote?.drift ?? 'unknown';
    const state: EsState = local.state === 'synced' && drift === 'newer' ? 'drift' : local.state;
    const vault = remote?.vault;
    const pods = (value: number | undefined): number | null | undefined =>
      !operator ? null : !operator.reloader ? undefined : (value ?? null);
    return {
      namespace: local.namespace,
      name: local.name,
      store: `${local.store.kind}/${local.store.name}`,
      intervalMs: local.intervalMs,
      ...(local.refreshTime ? { refreshTime: local.refreshTime } : {}),
      ...(local.nextRefreshTime ? { nextRefreshTime: local.nextRefreshTime } : {}),
      state,
      ...(local.reason ? { reason: local.reason } : {}),
      ...(local.message ? { message: local.message } : {}),
      target: local.target,
      ...(vault ? { vault } : {}),
      keyVaultNewer: drift === 'unknown' ? null : drift === 'newer',
      ...(pods(remote?.stalePods) !== undefined ? { stalePods: pods(remote?.stalePods) } : {}),
      ...(pods(remote?.pendingRestarts) !== undefined
        ? { pendingRestarts: pods(remote?.pendingRestarts) }
        : {}),
      ...(operator ? { pushHealthy: vault ? (operator.vaults.get(vault)?.push.healthy ?? null) : null } : {}),
    };
  });
}

/** Whether a row shows a problem (exit code 1): a failed sync, or Key Vault ahead of the Secret. */
export function isProblem(row: StatusRow): boolean {
  return row.state === 'failed' || row.state === 'drift';
}

function stateCell(row: StatusRow, paint: Paint): string {
  const colour = { synced: paint.green, drift: paint.yellow, failed: paint.red, pending: paint.dim }[
    row.state
  ];
  return colour(row.state);
}

function countCell(value: number | null | undefined): string {
  return value === undefined ? '-' : value === null ? '?' : String(value);
}

/** The table (or wide table) of `rows`. */
export function renderStatusTable(
  rows: readonly StatusRow[],
  options: { nowMs: number; wide: boolean; allNamespaces: boolean; paint: Paint },
): string {
  const { paint } = options;
  const headers = [
    ...(options.allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'STORE',
    'INTERVAL',
    'LAST SYNC',
    'NEXT SYNC',
    'STATE',
    'KV NEWER',
    'STALE PODS',
    'PENDING',
    ...(options.wide ? ['TARGET', 'VAULT', 'PUSH', 'MESSAGE'] : []),
  ];
  const cells = rows.map((row) => [
    ...(options.allNamespaces ? [row.namespace] : []),
    row.name,
    row.store,
    intervalText(row.intervalMs),
    relativeTime(row.refreshTime, options.nowMs),
    relativeTime(row.nextRefreshTime, options.nowMs),
    stateCell(row, paint),
    row.keyVaultNewer === null ? '?' : row.keyVaultNewer ? paint.yellow('yes') : 'no',
    countCell(row.stalePods),
    countCell(row.pendingRestarts),
    ...(options.wide
      ? [
          row.target,
          row.vault ?? '?',
          row.pushHealthy === undefined || row.pushHealthy === null ? '?' : row.pushHealthy ? 'ok' : 'none',
          row.message ?? '',
        ]
      : []),
  ]);
  return renderTable(headers, cells);
}

async function operatorView(session: Session): Promise<OperatorView | string> {
  const query = session.listScope ? `?namespace=${encodeURIComponent(session.listScope)}` : '';
  const [summaries, vaults, info] = await Promise.all([
    session.operator.get<{ items: EsSummary[] }>(`/externalsecrets${query}`),
    session.operator.get<{ items: VaultView[] }>('/vaults'),
    session.operator.get<{ reloader: boolean; shards?: number[] }>('/info'),
  ]);
  if (!summaries.ok) return summaries.message;
  return {
    summaries: new Map(summaries.body.items.map((item) => [item.key, item])),
    vaults: new Map(vaults.ok ? vaults.body.items.map((vault) => [vault.host, vault]) : []),
    reloader: info.ok && info.body.reloader,
    ...(info.ok && info.body.shards ? { shards: info.body.shards } : {}),
  };
}

export async function statusCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('status', argv, {});
  const args = sharedArgs('status', values, io.env, {
    formats: ['table', 'wide', 'json', 'yaml'],
    tty: io.stdoutIsTty ?? false,
  });
  if (args.help) {
    io.out(renderCommandHelp(commandHelp('status')!));
    return EXIT_OK;
  }
  for (const name of positionals) checkName('status', 'ExternalSecret', name);
  const session = openSession(args, io);
  const all = await session.kube.list<ExternalSecret>({
    apiVersion: ES_API,
    kind: 'ExternalSecret',
    ...(session.listScope ? { namespace: session.listScope } : {}),
  });
  const wanted = new Set(positionals);
  const items = all
    .filter((es) => wanted.size === 0 || wanted.has(es.metadata.name ?? ''))
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  const view = items.length > 0 ? await operatorView(session) : undefined;
  if (typeof view === 'string')
    io.err(`note: could not ask the operator (${view}): KV NEWER and the pod columns show "?"\n`);
  const rows = statusRows(items, typeof view === 'string' ? undefined : view);
  const note = typeof view === 'object' ? shardNote(items, view) : undefined;
  if (note) io.err(`note: ${note}\n`);
  if (args.output === 'json') io.out(renderJson({ items: rows }));
  else if (args.output === 'yaml') io.out(await renderYaml({ items: rows }));
  else if (rows.length === 0)
    io.err(
      session.listScope
        ? `No ExternalSecrets found in ${session.listScope} namespace.\n`
        : 'No ExternalSecrets found.\n',
    );
  else
    io.out(
      renderStatusTable(rows, {
        nowMs: session.nowMs(),
        wide: args.output === 'wide',
        allNamespaces: args.allNamespaces,
        paint: session.paint,
      }),
    );
  const missing = positionals.filter((name) => !items.some((es) => es.metadata.name === name));
  for (const name of missing)
    io.err(
      `ExternalSecret "${name}" not found${session.listScope ? ` in namespace ${session.listScope}` : ''}\n`,
    );
  return rows.some(isProblem) || missing.length > 0 ? EXIT_PROBLEM : EXIT_OK;
}
