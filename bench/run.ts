import { kubeApiServerBenchmarks } from './kube-apiserver.ts';
import { keyVaultBenchmarks } from './keyvault.ts';
import { eventGridLatency } from './eventgrid-latency.ts';
import { seedApiCalls } from './seed-api-calls.ts';
import { scale10k } from './scale-10k.ts';
import { throttledVault } from './throttled-vault.ts';
import { sharding50k } from './sharding-50k.ts';

/**
 * `npm run bench [-- NAME…]`: runs the benchmarks (all, or those named) one after another and
 * prints one JSON object per line: `{"bench": "<name>", …figures…}`.
 */

/** A figure, or a group of them (one per run or per replica, as `sharding-50k` reports). */
export type Figure = number | string | boolean | readonly Figure[] | { readonly [name: string]: Figure };

export interface Benchmark {
  name: string;
  run(): Promise<Record<string, Figure>>;
}

const benchmarks: Benchmark[] = [
  ...kubeApiServerBenchmarks,
  ...keyVaultBenchmarks,
  eventGridLatency,
  seedApiCalls,
  scale10k,
  throttledVault,
  sharding50k,
];

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = requested.filter((name) => !benchmarks.some((b) => b.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}\n`,
  );
  process.exit(2);
}
for (const benchmark of benchmarks) {
  if (requested.length > 0 && !requested.includes(benchmark.name)) continue;
  const figures = await benchmark.run();
  process.stdout.write(`${JSON.stringify({ bench: benchmark.name, ...figures })}\n`);
}
