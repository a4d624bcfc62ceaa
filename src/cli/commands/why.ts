/**
 * `kvsync why NAME`: gathers what the cluster (with the user's credentials) and the operator
 * (with the store's) say about one ExternalSecret, walks the checklist (`verdict.ts`) and
 * prints each finding, the verdict and the fix. Exit code 0 only when nothing is wrong.
 */
import { effectiveStoreRef, type AnySecretStore, type ExternalSecret } from '../../api/index.ts';
import type { ApiInfo, EsDetail, ProbeResult } from '../../server/operator-api/wire.ts';
import { checkName, parseCommand, sharedArgs, usageError } from '../args.ts';
import { commandHelp, renderCommandHelp } from '../help.ts';
import { EXIT_OK, EXIT_PROBLEM, type CliIo } from '../io.ts';
import { renderJson, renderYaml, type Paint } from '../output.ts';
import { openSession, type Session } from '../session.ts';
import {
  walkChecklist,
  type Check,
  type KubeEventView,
  type OperatorFacts,
  type Verdict,
  type WhyFacts,
} from '../verdict/index.ts';

const ES_API = 'external-secrets.io/v1';

async function elsewhere(session: Session, name: string): Promise<string[]> {
  try {
    const all = await session.kube.list<ExternalSecret>({ apiVersion: ES_API, kind: 'ExternalSecret' });
    return all.filter((es) => es.metadata.name === name).map((es) => es.metadata.namespace ?? '');
  } catch {
    return [];
  }
}

async function eventsAbout(session: Session, namespace: string, name: string): Promise<KubeEventView[]> {
  const events = await session.kube.list<
    KubeEventView & { involvedObject?: { kind?: string; name?: string } }
  >({
    apiVersion: 'v1',
    kind: 'Event',
    namespace,
    fieldSelector: `involvedObject.kind=ExternalSecret,involvedObject.name=${name}`,
  });
  return events
    .map(({ type, reason, message, count, lastTimestamp }) => ({
      type,
      reason,
      message,
      ...(count !== undefined ? { count } : {}),
      ...(lastTimestamp ? { lastTimestamp } : {}),
    }))
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''));
}

async function askOperator(session: Session, namespace: string, name: string): Promise<OperatorFacts> {
  const { operator } = session;
  const info = await operator.get<ApiInfo>('/info');
  if (!info.ok) return { reachable: false, where: operator.where, message: info.message };
  const path = `/externalsecrets/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const [detail, probe] = await Promise.all([
    operator.get<EsDetail>(path),
    operator.get<ProbeResult>(`${path}/probe`),
  ]);
  return {
    reachable: true,
    where: operator.where,
    info: info.body,
    ...(detail.ok
      ? { detail: detail.body }
      : { detailError: { error: detail.error, message: detail.message } }),
    ...(probe.ok ? { probe: probe.body } : { probeError: probe.message }),
  };
}

/** Gathers the facts `walkChecklist` reasons over. */
export async function gatherWhyFacts(session: Session, name: string): Promise<WhyFacts> {
  const namespace = session.namespace;
  const es = await session.kube.get<ExternalSecret>({
    apiVersion: ES_API,
    kind: 'ExternalSecret',
    namespace,
    name,
  });
  if (!es)
    return {
      nowMs: session.nowMs(),
      namespace,
      name,
      elsewhere: (await elsewhere(session, name)).filter((other) => other !== namespace),
      storeKind: 'SecretStore',
      storeName: '',
      events: [],
      operator: { reachable: false, where: session.operator.where, message: 'not asked' },
    };
  const ref = effectiveStoreRef(es);
  const [store, events, operator] = await Promise.all([
    session.kube.get<AnySecretStore>({
      apiVersion: ES_API,
      kind: ref.kind,
      ...(ref.kind === 'SecretStore' ? { namespace } : {}),
      name: ref.name,
    }),
    eventsAbout(session, namespace, name).catch(() => []),
    askOperator(session, namespace, name),
  ]);
  return {
    nowMs: session.nowMs(),
    namespace,
    name,
    es,
    storeKind: ref.kind,
    storeName: ref.name,
    ...(store ? { store } : {}),
    events,
    operator,
  };
}

const MARKS: Record<Check['status'], { text: string; colour: keyof Paint }> = {
  ok: { text: 'ok', colour: 'green' },
  problem: { text: 'FAIL', colour: 'red' },
  warning: { text: 'warn', colour: 'yellow' },
  unknown: { text: '?', colour: 'dim' },
  info: { text: 'info', colour: 'dim' },
};

/** The checklist and verdict as text. */
export function renderWhy(subject: string, checks: readonly Check[], verdict: Verdict, paint: Paint): string {
  const width = Math.max(...checks.map((check) => check.title.length)) + 2;
  const lines = [`ExternalSecret ${subject}`, ''];
  for (const check of checks) {
    const mark = MARKS[check.status];
    const [first = '', ...rest] = check.lines;
    lines.push(`  ${paint[mark.colour](mark.text.padEnd(5))} ${check.title.padEnd(width)}${first}`);
    for (const more of rest) lines.push(`  ${' '.repeat(5)} ${' '.repeat(width)}${more}`);
  }
  lines.push('');
  const label = verdict.ok ? paint.green('Verdict:') : paint.bold(paint.red('Verdict:'));
  lines.push(`${label} ${verdict.summary}`);
  if (verdict.fix.length > 0) {
    lines.push(paint.bold('Fix:'));
    for (const step of verdict.fix) lines.push(`  ${step}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function whyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('why', argv, {});
  const args = sharedArgs('why', values, io.env, {
    formats: ['table', 'json', 'yaml'],
    tty: io.stdoutIsTty ?? false,
  });
  if (args.help) {
    io.out(renderCommandHelp(commandHelp('why')!));
    return EXIT_OK;
  }
  if (args.allNamespaces) throw usageError('why', '--all-namespaces does not apply: name one ExternalSecret');
  if (positionals.length !== 1) throw usageError('why', 'name exactly one ExternalSecret (kvsync why NAME)');
  const name = checkName('why', 'ExternalSecret', positionals[0]!);
  const session = openSession(args, io);
  const facts = await gatherWhyFacts(session, name);
  const { checks, verdict } = walkChecklist(facts);
  const subject = `${facts.namespace}/${name}`;
  if (args.output === 'json') io.out(renderJson({ externalSecret: subject, verdict, checks }));
  else if (args.output === 'yaml') io.out(await renderYaml({ externalSecret: subject, verdict, checks }));
  else io.out(renderWhy(subject, checks, verdict, session.paint));
  return verdict.ok ? EXIT_OK : EXIT_PROBLEM;
}
