/**
 * Argument parsing for the diagnosis commands, on `node:util` parseArgs: the flags every
 * command shares (kubectl's `--kubeconfig`, `--context`, `-n`, `-A`, `-o`; how to reach the
 * operator), each command's own, and positional names. A usage error is a KvsyncError
 * ERR_INVALID_CONFIG, which the dispatcher turns into exit code 2.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { parseGoDuration } from '../api/index.ts';
import { KvsyncError } from '../errors.ts';

export const SHARED_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  output: { type: 'string', short: 'o' },
  'operator-url': { type: 'string' },
  'operator-namespace': { type: 'string' },
  'operator-service': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

/** What every diagnosis command reads from its arguments and environment. */
export interface SharedArgs {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces: boolean;
  output: OutputFormat;
  operatorUrl?: string;
  operatorNamespace: string;
  operatorService: { name: string; port: string };
  color: boolean;
  help: boolean;
}

export function usageError(command: string, message: string): KvsyncError {
  return new KvsyncError('ERR_INVALID_CONFIG', `kvsync ${command}: ${message}`);
}

/** Parses `argv` with the shared options plus `extra`; unknown options and bad values are usage errors. */
export function parseCommand<T extends ParseArgsOptionsConfig>(
  command: string,
  argv: readonly string[],
  extra: T,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...SHARED_OPTIONS, ...extra },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw usageError(command, (error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Checks a Kubernetes object or namespace name given on the command line. */
export function checkName(command: string, what: string, name: string): string {
  if (!DNS_SUBDOMAIN.test(name)) throw usageError(command, `'${name}' is not a valid ${what} name`);
  return name;
}

/**
 * The shared arguments. `formats` are the output formats the command accepts (the first is the
 * default). Environment: KVSYNC_OPERATOR_URL, NO_COLOR; `tty` says whether stdout is a terminal.
 */
export function sharedArgs(
  command: string,
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
  options: { formats: readonly OutputFormat[]; tty: boolean },
): SharedArgs {
  const output = (values.output as string | undefined) ?? options.formats[0]!;
  const format = output === 'text' ? 'table' : output;
  if (!options.formats.includes(format as OutputFormat))
    throw usageError(
      command,
      `--output must be one of ${options.formats.map((f) => (f === 'table' ? 'text' : f)).join(', ')} (got '${output}')`,
    );
  if (values.namespace !== undefined && values['all-namespaces'])
    throw usageError(command, '--namespace and --all-namespaces exclude each other');
  const service = (values['operator-service'] as string | undefined) ?? 'kvsync:http';
  const [serviceName, port = 'http', ...more] = service.split(':');
  if (!serviceName || more.length > 0)
    throw usageError(command, `--operator-service must be NAME or NAME:PORT (got '${service}')`);
  const operatorUrl =
    (values['operator-url'] as string | undefined) ?? (env['KVSYNC_OPERATOR_URL'] || undefined);
  if (operatorUrl !== undefined && !/^https?:\/\/[^/]+/.test(operatorUrl))
    throw usageError(command, `--operator-url must be an http(s) URL (got '${operatorUrl}')`);
  const namespace = values.namespace as string | undefined;
  return {
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig as string } : {}),
    ...(values.context !== undefined ? { context: values.context as string } : {}),
    ...(namespace !== undefined ? { namespace: checkName(command, 'namespace', namespace) } : {}),
    allNamespaces: values['all-namespaces'] === true,
    output: format as OutputFormat,
    ...(operatorUrl !== undefined ? { operatorUrl } : {}),
    operatorNamespace: checkName(
      command,
      'namespace',
      (values['operator-namespace'] as string | undefined) ?? 'kvsync-system',
    ),
    operatorService: { name: checkName(command, 'Service', serviceName), port },
    color: options.tty && values['no-color'] !== true && !env['NO_COLOR'],
    help: values.help === true,
  };
}

/** A Go duration flag (`60s`, `2m`); a usage error when it is not one or not positive. */
export function durationArg(
  command: string,
  flag: string,
  text: string | undefined,
  defaultMs: number,
): number {
  if (text === undefined) return defaultMs;
  try {
    const ms = parseGoDuration(text);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  throw usageError(command, `--${flag} must be a positive duration such as 30s or 2m (got '${text}')`);
}
