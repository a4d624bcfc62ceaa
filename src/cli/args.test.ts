import { describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { durationArg, parseCommand, sharedArgs } from './args.ts';

function usage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isKvsyncError(error, 'ERR_INVALID_CONFIG')) return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

const shared = (argv: string[], env: Record<string, string> = {}, tty = false) =>
  sharedArgs('status', parseCommand('status', argv, {}).values, env, {
    formats: ['table', 'wide', 'json', 'yaml'],
    tty,
  });

describe('parseCommand and sharedArgs', () => {
  it('reads kubectl-style flags and positionals', () => {
    const { values, positionals } = parseCommand('sync', ['a', '-n', 'payments', '--wait', 'b'], {
      wait: { type: 'boolean' },
    });
    expect(positionals).toEqual(['a', 'b']);
    expect(values).toMatchObject({ namespace: 'payments', wait: true });
    expect(shared(['-A', '-o', 'wide', '--context', 'prod', '--kubeconfig', '/k'])).toMatchObject({
      allNamespaces: true,
      output: 'wide',
      context: 'prod',
      kubeconfig: '/k',
    });
  });

  it('defaults: table output, the operator through kvsync-system/kvsync:http, colour only on a terminal without NO_COLOR', () => {
    expect(shared([])).toMatchObject({
      output: 'table',
      operatorNamespace: 'kvsync-system',
      operatorService: { name: 'kvsync', port: 'http' },
      color: false,
    });
    expect(shared([], {}, true).color).toBe(true);
    expect(shared([], { NO_COLOR: '1' }, true).color).toBe(false);
    expect(shared(['--no-color'], {}, true).color).toBe(false);
    expect(shared(['--operator-service', 'ops:metrics']).operatorService).toEqual({
      name: 'ops',
      port: 'metrics',
    });
  });

  it('takes the operator URL from the flag, else KVSYNC_OPERATOR_URL', () => {
    expect(shared([], { KVSYNC_OPERATOR_URL: 'http://127.0.0.1:9' }).operatorUrl).toBe('http://127.0.0.1:9');
    expect(shared(['--operator-url', 'http://h:1'], { KVSYNC_OPERATOR_URL: 'http://x:2' }).operatorUrl).toBe(
      'http://h:1',
    );
  });

  it('refuses what kubectl would, naming the flag', () => {
    expect(usage(() => parseCommand('status', ['--bogus'], {}))).toContain(
      "kvsync status: Unknown option '--bogus'",
    );
    expect(usage(() => parseCommand('status', ['-n'], {}))).toContain('kvsync status:');
    expect(usage(() => shared(['-o', 'xml']))).toContain('--output must be one of text, wide, json, yaml');
    expect(usage(() => shared(['-n', 'a', '-A']))).toContain('exclude each other');
    expect(usage(() => shared(['-n', 'Not_A_Namespace']))).toContain(
      "'Not_A_Namespace' is not a valid namespace name",
    );
    expect(usage(() => shared(['--operator-url', 'ftp://x']))).toContain('--operator-url');
    expect(usage(() => shared(['--operator-service', 'a:b:c']))).toContain('--operator-service');
  });
});

describe('durationArg', () => {
  it('reads Go durations and refuses the rest', () => {
    expect(durationArg('sync', 'timeout', undefined, 60_000)).toBe(60_000);
    expect(durationArg('sync', 'timeout', '2m', 60_000)).toBe(120_000);
    expect(usage(() => durationArg('sync', 'timeout', 'soon', 1))).toContain(
      '--timeout must be a positive duration',
    );
    expect(usage(() => durationArg('sync', 'timeout', '0s', 1))).toContain('--timeout');
  });
});
