import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * There is no Docker engine on our machines, so the Dockerfile is checked for what makes it
 * correct by construction: official Node 24 images, production dependencies only, nothing but
 * bin/, src/ and package*.json copied, a numeric non-root user, the operator as entrypoint; and
 * everything `kvsync run` imports at run time is a production dependency or a Node built-in.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of each stage, in order. */
function stages(all: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'FROM') out.push([]);
    out.at(-1)?.push(instruction);
  }
  return out;
}

async function dockerfile() {
  const all = instructions(await readFile(join(ROOT, 'Dockerfile'), 'utf8'));
  const nodeImage = /^NODE_IMAGE=(.+)$/.exec(all.find((i) => i.keyword === 'ARG')?.args ?? '')?.[1];
  return { all, nodeImage, stages: stages(all) };
}

describe('Dockerfile', () => {
  it('builds on the official Node 24 slim image in two stages', async () => {
    const { nodeImage, stages: built } = await dockerfile();
    expect(nodeImage).toMatch(/^node:24(\.\d+)*-(slim|alpine)/);
    expect(built).toHaveLength(2);
    expect(built.map((stage) => stage[0]!.args)).toEqual(['${NODE_IMAGE} AS dependencies', '${NODE_IMAGE}']);
  });

  it('installs production dependencies only, without install scripts', async () => {
    const { stages: built } = await dockerfile();
    const installs = built.flat().filter((i) => i.keyword === 'RUN' && /\bnpm (install|ci)\b/.test(i.args));
    expect(installs).toHaveLength(1);
    expect(installs[0]!.args).toContain('--omit=dev');
    expect(installs[0]!.args).toContain('--ignore-scripts');
  });

  it('copies only node_modules, package*.json, bin/ and src/ into the runtime stage', async () => {
    const { stages: built } = await dockerfile();
    const copies = built[1]!.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map((i) => i.args);
    expect(copies).toEqual([
      '--from=dependencies /app/node_modules ./node_modules',
      'package.json package-lock.json ./',
      'bin/ ./bin/',
      'src/ ./src/',
    ]);
  });

  it('runs as a numeric non-root user with kvsync run as the entrypoint', async () => {
    const { stages: built } = await dockerfile();
    const runtime = built[1]!;
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const entrypoint = runtime.find((i) => i.keyword === 'ENTRYPOINT')!.args;
    expect(JSON.parse(entrypoint)).toEqual(['node', 'bin/kvsync.js', 'run']);
    // USER comes after every RUN: nothing runs as root once the user is set, and nothing after.
    const lastRun = runtime.findLastIndex((i) => i.keyword === 'RUN');
    expect(runtime.findIndex((i) => i.keyword === 'USER')).toBeGreaterThan(lastRun);
  });

  it('.dockerignore sends only package*.json, bin/ and src/ without tests', async () => {
    const lines = (await readFile(join(ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(lines).toEqual(['*', '!package.json', '!package-lock.json', '!bin/', '!src/', 'src/**/*.test.ts']);
  });
});

const IMPORT =
  /(?:^|[^.\w])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative files and bare packages `entry` reaches through static and literal dynamic imports. */
async function reachableImports(entry: string): Promise<{ files: Set<string>; packages: Set<string> }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
        );
    }
  }
  return { files, packages };
}

describe('the image’s runtime imports', () => {
  it('are production dependencies or Node built-ins, and stay inside bin/ and src/', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const { files, packages } = await reachableImports(join(ROOT, 'bin', 'kvsync.js'));
    expect(files.size).toBeGreaterThan(50);
    for (const file of files)
      expect(file.startsWith(join(ROOT, 'src')) || file.startsWith(join(ROOT, 'bin')), file).toBe(true);
    for (const file of files) expect(file.endsWith('.test.ts'), file).toBe(false);
    const builtins = new Set(builtinModules);
    const missing = [...packages].filter(
      (name) => !name.startsWith('node:') && !builtins.has(name) && !(name in manifest.dependencies),
    );
    expect(missing).toEqual([]);
  });
});
