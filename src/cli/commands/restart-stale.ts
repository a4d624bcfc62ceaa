/**
 * `kvsync restart-stale NAME`: asks the operator's reloader to restart what still runs an old
 * value, through its safe path. Needs the operator's action token. Without a reloader, says so
 * and exits 1.
 */
import { readFileSync } from 'node:fs';
import type { ApiInfo, RestartResult } from '../../server/operator-api/wire.ts';
import { checkName, parseCommand, sharedArgs, usageError } from '../args.ts';
import { commandHelp, renderCommandHelp } from '../help.ts';
import { EXIT_OK, EXIT_PROBLEM, type CliIo } from '../io.ts';
import { openSession } from '../session.ts';

function readToken(path: string): string {
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token) return token;
  } catch (error) {
    throw usageError(
      'restart-stale',
      `cannot read --token-file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  throw usageError('restart-stale', `--token-file ${path} is empty`);
}

export async function restartStaleCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('restart-stale', argv, { 'token-file': { type: 'string' } });
  const args = sharedArgs('restart-stale', values, io.env, {
    formats: ['table'],
    tty: io.stdoutIsTty ?? false,
  });
  if (args.help) {
    io.out(renderCommandHelp(commandHelp('restart-stale')!));
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw usageError('restart-stale', 'name exactly one ExternalSecret');
  const name = checkName('restart-stale', 'ExternalSecret', positionals[0]!);
  const tokenFile =
    (values['token-file'] as string | undefined) ?? (io.env['KVSYNC_TOKEN_FILE'] || undefined);
  const session = openSession(args, io);
  const info = await session.operator.get<ApiInfo>('/info');
  if (!info.ok) {
    io.err(`kvsync restart-stale: the operator could not be asked: ${info.message}\n`);
    return EXIT_PROBLEM;
  }
  if (!info.body.reloader) {
    io.err(
      'kvsync restart-stale: not available yet: the operator runs no reloader, so it knows no stale pods.\n' +
        `Restart by hand meanwhile: kubectl rollout restart deployment/<name> -n ${session.namespace}\n`,
    );
    return EXIT_PROBLEM;
  }
  if (!tokenFile)
    throw usageError(
      'restart-stale',
      "needs the operator's action token: --token-file PATH (or env KVSYNC_TOKEN_FILE)",
    );
  const token = readToken(tokenFile);
  const path = `/externalsecrets/${encodeURIComponent(session.namespace)}/${encodeURIComponent(name)}/restart-stale`;
  const answer = await session.operator.post<RestartResult>(path, token);
  if (!answer.ok) {
    io.err(`kvsync restart-stale: ${answer.message}\n`);
    return EXIT_PROBLEM;
  }
  const { restarted, deferred } = answer.body;
  const lines = [
    ...restarted.map((workload) => `${workload}: restarting`),
    ...deferred.map((entry) => `${entry.workload}: deferred: ${entry.reason}`),
  ];
  io.out(
    lines.length
      ? `${lines.join('\n')}\n`
      : `nothing to restart: no pod runs an old value of ${session.namespace}/${name}'s Secret\n`,
  );
  return EXIT_OK;
}
