/**
 * `kvsync diff NAME`: which keys differ between Key Vault and the target Secret. The operator
 * reads both and answers with versions and keyed hashes; no value reaches this process.
 */
import type { DiffRow, ProbeResult } from '../../server/operator-api/wire.ts';
import { checkName, parseCommand, sharedArgs, usageError } from '../args.ts';
import { commandHelp, renderCommandHelp } from '../help.ts';
import { EXIT_OK, EXIT_PROBLEM, type CliIo } from '../io.ts';
import { renderJson, renderTable, renderYaml, type Paint } from '../output.ts';
import { openSession } from '../session.ts';

/** States that mean the Secret is not what Key Vault holds (`only-in-secret` is shown, not counted). */
export function differs(row: DiffRow): boolean {
  return row.state === 'differs' || row.state === 'missing-in-secret' || row.state === 'unreadable';
}

function stateCell(row: DiffRow, paint: Paint): string {
  if (row.state === 'same') return paint.green('same');
  if (row.state === 'only-in-secret') return paint.dim('only in Secret');
  if (row.state === 'missing-in-secret') return paint.red('missing in Secret');
  return paint.red(row.state);
}

const short = (text: string | undefined) => (text ? text.slice(0, 8) : '-');

/** The diff as text: a table of keys, then what could not be read. */
export function renderDiff(subject: string, probe: ProbeResult, paint: Paint): string {
  const header = `ExternalSecret ${subject} → Secret ${probe.target.name}${probe.target.exists ? '' : ' (does not exist)'}\n`;
  const problems = [
    ...(probe.store.ok ? [] : [`store: ${probe.store.message ?? probe.store.code}`]),
    ...probe.keys.filter((key) => !key.ok).map((key) => `get '${key.key}': ${key.message ?? key.code}`),
  ];
  const table =
    probe.diff.length === 0
      ? 'no keys\n'
      : renderTable(
          ['KEY', 'REMOTE KEY', 'SYNCED', 'KEY VAULT', 'STATE', 'HASH KEY VAULT', 'HASH SECRET'],
          probe.diff.map((row) => [
            row.secretKey,
            row.remoteKey ?? '-',
            short(row.syncedVersion),
            short(row.vaultVersion),
            stateCell(row, paint),
            row.vaultHash ?? '-',
            row.secretHash ?? '-',
          ]),
        );
  const notes = problems.length ? `\n${problems.map((line) => paint.red(line)).join('\n')}\n` : '';
  return `${header}\n${table}${notes}\nHashes are keyed by the operator: equal hashes mean equal values; they reveal nothing else.\n`;
}

export async function diffCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('diff', argv, {});
  const args = sharedArgs('diff', values, io.env, {
    formats: ['table', 'json', 'yaml'],
    tty: io.stdoutIsTty ?? false,
  });
  if (args.help) {
    io.out(renderCommandHelp(commandHelp('diff')!));
    return EXIT_OK;
  }
  if (args.allNamespaces)
    throw usageError('diff', '--all-namespaces does not apply: name one ExternalSecret');
  if (positionals.length !== 1)
    throw usageError('diff', 'name exactly one ExternalSecret (kvsync diff NAME)');
  const name = checkName('diff', 'ExternalSecret', positionals[0]!);
  const session = openSession(args, io);
  const subject = `${session.namespace}/${name}`;
  const answer = await session.operator.get<ProbeResult>(
    `/externalsecrets/${encodeURIComponent(session.namespace)}/${encodeURIComponent(name)}/probe`,
  );
  if (!answer.ok) {
    const reason =
      answer.error === 'NotFound'
        ? `ExternalSecret ${subject} not found (or not watched by the operator)`
        : answer.status === 0
          ? `diff needs the operator, which could not be asked: ${answer.message}`
          : answer.message;
    io.err(`kvsync diff: ${reason}\n`);
    return EXIT_PROBLEM;
  }
  const probe = answer.body;
  if (args.output === 'json') io.out(renderJson({ externalSecret: subject, ...probe }));
  else if (args.output === 'yaml') io.out(await renderYaml({ externalSecret: subject, ...probe }));
  else io.out(renderDiff(subject, probe, session.paint));
  const broken = !probe.store.ok || probe.keys.some((key) => !key.ok);
  return broken || probe.diff.some(differs) || !probe.target.exists ? EXIT_PROBLEM : EXIT_OK;
}
