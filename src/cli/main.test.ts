import { describe, expect, it } from 'vitest';
import { COMMANDS } from './help.ts';
import { runCli, type CliIo } from './main.ts';

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    env,
    untilSignal: () => new Promise(() => {}),
  };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('runCli', () => {
  it('lists every command in --help, and `help NAME` shows that command with examples', async () => {
    const usage = io();
    expect(await runCli(['--help'], usage.cli)).toBe(0);
    for (const command of COMMANDS) expect(usage.out()).toContain(`  ${command.name}`);
    const help = io();
    expect(await runCli(['help', 'why'], help.cli)).toBe(0);
    expect(help.out()).toContain('Usage: kvsync why NAME');
    expect(help.out()).toContain('Examples:');
    const run = io();
    expect(await runCli(['help', 'run'], run.cli)).toBe(0);
    expect(run.out()).toContain('--leader-elect');
  });

  it('exits 2 for an unknown command or help topic, printing the usage to stderr', async () => {
    const unknown = io();
    expect(await runCli(['frobnicate'], unknown.cli)).toBe(2);
    expect(unknown.err()).toContain('kvsync: unknown command "frobnicate"');
    expect(unknown.out()).toBe('');
    expect(await runCli(['help', 'frobnicate'], io().cli)).toBe(2);
    expect(await runCli(['toString'], io().cli)).toBe(2);
  });

  it('turns a usage error into one line and exit 2, a configuration problem too', async () => {
    const bad = io();
    expect(await runCli(['why', 'a', 'b'], bad.cli)).toBe(2);
    expect(bad.err()).toBe(
      'kvsync why: name exactly one ExternalSecret (kvsync why NAME)\n(see kvsync why --help)\n',
    );
    const config = io();
    expect(await runCli(['status', '--kubeconfig', '/no/such/kubeconfig'], config.cli)).toBe(2);
    expect(config.err()).toMatch(
      /^kvsync status: load Kubernetes configuration: .*\n\(see kvsync status --help\)\n$/,
    );
  });

  it('prints the version', async () => {
    const version = io();
    expect(await runCli(['--version'], version.cli)).toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
