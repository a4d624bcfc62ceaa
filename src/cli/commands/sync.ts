/**
 * `kvsync sync NAME… | --all [--wait]`: writes the force-sync annotation ESO users know (any
 * metadata change makes the operator read Key Vault at once) and, with `--wait`, watches the
 * ExternalSecrets and the Warning events about them until each sync has happened or failed.
 */
import type { ExternalSecret } from '../../api/index.ts';
import { isNotFound } from '../../kube/index.ts';
import { Informer, systemClock } from '../../runtime/index.ts';
import { FORCE_SYNC_ANNOTATION } from '../../server/operator-api/wire.ts';
import { checkName, durationArg, parseCommand, sharedArgs, usageError } from '../args.ts';
import { commandHelp, renderCommandHelp } from '../help.ts';
import { EXIT_OK, EXIT_PROBLEM, type CliIo } from '../io.ts';
import { renderJson, renderYaml, type Paint } from '../output.ts';
import { openSession, type Session } from '../session.ts';
import { SyncWaiter, whyNoSync, type SyncItem, type WarningEvent } from '../sync-wait.ts';

const ES_API = 'external-secrets.io/v1';
/** Field manager of the annotation, as `kubectl annotate` writes `kubectl-annotate`. */
export const SYNC_FIELD_MANAGER = 'kvsync-cli';
const DEFAULT_TIMEOUT_MS = 60_000;

/** `[#########.........] 3/10 done, 1 failed` for a progress bar `width` cells wide. */
export function progressLine(done: number, failed: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} done${failed ? `, ${failed} failed` : ''}`;
}

interface Target {
  namespace: string;
  name: string;
}

async function targetsOf(session: Session, names: string[], all: boolean): Promise<Target[]> {
  if (!all) return names.map((name) => ({ namespace: session.namespace, name }));
  const items = await session.kube.list<ExternalSecret>({
    apiVersion: ES_API,
    kind: 'ExternalSecret',
    ...(session.listScope ? { namespace: session.listScope } : {}),
  });
  return items
    .map((es) => ({ namespace: es.metadata.namespace ?? '', name: es.metadata.name ?? '' }))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** Writes the annotation on `target`; returns the object as written, or an item saying why not. */
async function annotate(session: Session, target: Target, value: string): Promise<ExternalSecret | SyncItem> {
  const ref = { apiVersion: ES_API, kind: 'ExternalSecret', namespace: target.namespace, name: target.name };
  try {
    const current = await session.kube.get<ExternalSecret>(ref);
    if (!current) return { ...target, result: 'not-found', message: 'ExternalSecret not found' };
    const blocked = whyNoSync(current);
    if (blocked) return { ...target, result: 'not-refreshing', message: blocked };
    return await session.kube.mergePatch<ExternalSecret>(
      ref,
      { metadata: { annotations: { [FORCE_SYNC_ANNOTATION]: value } } },
      { fieldManager: SYNC_FIELD_MANAGER },
    );
  } catch (error) {
    if (isNotFound(error)) return { ...target, result: 'not-found', message: 'ExternalSecret not found' };
    throw error;
  }
}

function isItem(value: ExternalSecret | SyncItem): value is SyncItem {
  return 'result' in value;
}

/** Watches until every annotated ExternalSecret settled or the timeout passed. */
async function waitForSyncs(
  session: Session,
  waiter: SyncWaiter,
  informers: { es: Informer<ExternalSecret>; events: Informer<WarningEvent> },
  timeoutMs: number,
  onOutcome: (item: SyncItem) => void,
): Promise<void> {
  const check = () => {
    for (const key of waiter.waiting()) {
      const es = informers.es.get(key);
      const item = es && waiter.observe(es, session.nowMs());
      if (item) onOutcome(item);
    }
  };
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const settle = () => {
      if (waiter.waiting().length > 0) return;
      clearTimeout(timer);
      resolve();
    };
    const onEs = (es: ExternalSecret) => {
      const item = waiter.observe(es, session.nowMs());
      if (item) onOutcome(item);
      settle();
    };
    const onEvent = (event: WarningEvent) => {
      const item = waiter.observeEvent(event, session.nowMs());
      if (item) onOutcome(item);
      settle();
    };
    informers.es.onAdd(onEs);
    informers.es.onUpdate(onEs);
    informers.events.onAdd(onEvent);
    informers.events.onUpdate(onEvent);
    check();
    settle();
  });
}

function itemLine(item: SyncItem, paint: Paint): string {
  const subject = `${item.namespace}/${item.name}`;
  const seconds = item.durationMs !== undefined ? ` in ${(item.durationMs / 1000).toFixed(1)}s` : '';
  switch (item.result) {
    case 'requested':
      return `${subject}: sync requested`;
    case 'synced':
      return `${subject}: ${paint.green('synced')}${seconds}${item.versions?.length ? ` (${item.versions.join(', ')})` : ''}${item.message ? ` [${item.message}]` : ''}`;
    case 'failed':
      return `${subject}: ${paint.red('failed')}${seconds}: ${item.message}`;
    case 'timeout':
      return `${subject}: ${paint.yellow('not synced')} within the timeout${item.message ? `: ${item.message}` : ''}`;
    default:
      return `${subject}: ${paint.red(item.result)}: ${item.message}`;
  }
}

export async function syncCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('sync', argv, {
    all: { type: 'boolean' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  const args = sharedArgs('sync', values, io.env, {
    formats: ['table', 'json', 'yaml'],
    tty: io.stdoutIsTty ?? false,
  });
  if (args.help) {
    io.out(renderCommandHelp(commandHelp('sync')!));
    return EXIT_OK;
  }
  const all = values.all === true;
  if (all === positionals.length > 0)
    throw usageError('sync', 'name ExternalSecrets or give --all (not both)');
  if (args.allNamespaces && !all) throw usageError('sync', '--all-namespaces needs --all');
  for (const name of positionals) checkName('sync', 'ExternalSecret', name);
  const timeoutMs = durationArg('sync', 'timeout', values.timeout as string | undefined, DEFAULT_TIMEOUT_MS);
  const wait = values.wait === true;
  const session = openSession(args, io);
  const targets = await targetsOf(session, positionals, all);
  const informers = wait ? await startInformers(session) : undefined;
  try {
    const items = await syncTargets(session, targets, informers, timeoutMs);
    if (args.output === 'json') io.out(renderJson({ items }));
    else if (args.output === 'yaml') io.out(await renderYaml({ items }));
    else if (items.length === 0) io.err('No ExternalSecrets to sync.\n');
    else io.out(items.map((item) => itemLine(item, session.paint)).join('\n') + '\n');
    return items.every((item) => item.result === 'requested' || item.result === 'synced')
      ? EXIT_OK
      : EXIT_PROBLEM;
  } finally {
    informers?.es.stop();
    informers?.events.stop();
  }
}

async function startInformers(session: Session) {
  const scope = session.listScope ? { namespace: session.listScope } : {};
  const es = new Informer<ExternalSecret>({
    name: 'externalsecrets',
    clock: systemClock,
    source: session.kube.listWatchSource<ExternalSecret>({
      apiVersion: ES_API,
      kind: 'ExternalSecret',
      ...scope,
    }),
  });
  const events = new Informer<WarningEvent>({
    name: 'events',
    clock: systemClock,
    source: session.kube.listWatchSource<WarningEvent>({
      apiVersion: 'v1',
      kind: 'Event',
      ...scope,
      fieldSelector: 'involvedObject.kind=ExternalSecret,type=Warning',
    }),
  });
  await Promise.all([es.start(), events.start()]);
  return { es, events };
}

async function syncTargets(
  session: Session,
  targets: Target[],
  informers: { es: Informer<ExternalSecret>; events: Informer<WarningEvent> } | undefined,
  timeoutMs: number,
): Promise<SyncItem[]> {
  const value = String(Math.floor(session.nowMs() / 1000));
  const waiter = new SyncWaiter();
  const settled = new Map<string, SyncItem>();
  const annotated: Target[] = [];
  for (const target of targets) {
    const atMs = session.nowMs();
    const written = await annotate(session, target, value);
    const key = `${target.namespace}/${target.name}`;
    if (isItem(written)) settled.set(key, written);
    else if (!informers) settled.set(key, { ...target, result: 'requested' });
    else {
      waiter.expect(written, atMs);
      annotated.push(target);
    }
  }
  if (informers && annotated.length > 0) {
    const bar = session.io.stderrIsTty && annotated.length > 1;
    let done = 0;
    let failed = 0;
    const draw = () => bar && session.io.err(`\r${progressLine(done, failed, annotated.length)}`);
    draw();
    await waitForSyncs(session, waiter, informers, timeoutMs, (item) => {
      done += 1;
      if (item.result !== 'synced') failed += 1;
      draw();
    });
    if (bar) session.io.err('\n');
    for (const target of annotated) {
      const key = `${target.namespace}/${target.name}`;
      const current = informers.es.get(key)?.status?.conditions?.find((c) => c.type === 'Ready');
      settled.set(
        key,
        waiter.outcome(key) ?? {
          ...target,
          result: 'timeout',
          ...(current?.message
            ? { message: `still ${current.status === 'True' ? 'Ready' : 'not Ready'}: ${current.message}` }
            : {}),
        },
      );
    }
  }
  return targets.map((target) => settled.get(`${target.namespace}/${target.name}`)!);
}
