import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Benchmark } from './run.ts';
import { BenchClient } from './https-client.ts';

/**
 * Kubernetes API emulator benchmarks, over real HTTPS:
 * - `kube-apiserver-writes`: ConfigMap writes per second with 0 and with 100 open watches, and
 *   how long until every watcher has seen every write;
 * - `kube-apiserver-list`: listing 10,000 objects, in one response and in pages of 500.
 */

const WRITES = 2000;
const CONCURRENCY = 16;
const WATCHERS = 100;
const LIST_OBJECTS = 10_000;

function configMap(name: string, value: string): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value } };
}

async function writeAll(client: BenchClient, prefix: string): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < WRITES) {
      const i = next++;
      const { status } = await client.send(
        'POST',
        '/api/v1/namespaces/default/configmaps',
        configMap(`${prefix}-${i}`, String(i)),
      );
      if (status !== 201) throw new Error(`create returned ${status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - start;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for watchers');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface ServerHandle {
  worker: Worker;
  /** Sends a message and resolves with the worker's next reply. */
  ask(message: object): Promise<unknown>;
}

/** Runs `run` against an emulator in its own worker thread (its own event loop, like a separate server). */
async function withServer<T>(run: (server: ServerHandle, client: BenchClient) => Promise<T>): Promise<T> {
  const worker = new Worker(new URL('./kube-apiserver-worker.ts', import.meta.url));
  const [ready] = (await once(worker, 'message')) as [{ url: string; caPem: string; token: string }];
  const ask = async (message: object) => {
    worker.postMessage(message);
    return ((await once(worker, 'message')) as unknown[])[0];
  };
  const client = new BenchClient(ready.url, ready.caPem, ready.token, CONCURRENCY);
  try {
    return await run({ worker, ask }, client);
  } finally {
    client.close();
    worker.postMessage({ close: true });
    await once(worker, 'exit');
  }
}

async function currentResourceVersion(client: BenchClient): Promise<string> {
  const { text } = await client.send('GET', '/api/v1/namespaces/default/configmaps?limit=1');
  return (JSON.parse(text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

const writes: Benchmark = {
  name: 'kube-apiserver-writes',
  run: () =>
    withServer(async (_server, client) => {
      const baselineMs = await writeAll(client, 'baseline');
      const rv = await currentResourceVersion(client);
      const watchers = Array.from({ length: WATCHERS }, () =>
        client.watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`),
      );
      await Promise.all(watchers.map((w) => w.ready));
      const start = performance.now();
      const watchedMs = await writeAll(client, 'watched');
      await waitFor(() => watchers.every((w) => w.received() >= WRITES), 120_000);
      const deliveredMs = performance.now() - start;
      for (const w of watchers) w.stop();
      return {
        writes: WRITES,
        concurrency: CONCURRENCY,
        writesPerSecondNoWatchers: Math.round(WRITES / (baselineMs / 1000)),
        watchers: WATCHERS,
        writesPerSecondWithWatchers: Math.round(WRITES / (watchedMs / 1000)),
        allEventsDeliveredMs: Math.round(deliveredMs),
        eventsDelivered: WRITES * WATCHERS,
      };
    }),
};

const list: Benchmark = {
  name: 'kube-apiserver-list',
  run: () =>
    withServer(async (server, client) => {
      await server.ask({ seed: LIST_OBJECTS });
      const timings: number[] = [];
      let bytes = 0;
      for (let round = 0; round < 5; round++) {
        const start = performance.now();
        const { status, text } = await client.send('GET', '/api/v1/configmaps');
        const items = (JSON.parse(text) as { items: unknown[] }).items.length;
        timings.push(performance.now() - start);
        if (status !== 200 || items < LIST_OBJECTS)
          throw new Error(`list returned ${status} with ${items} items`);
        bytes = text.length;
      }
      const pagedStart = performance.now();
      let continueToken: string | undefined;
      let pages = 0;
      do {
        const query = `limit=500${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`;
        const { text } = await client.send('GET', `/api/v1/configmaps?${query}`);
        continueToken = (JSON.parse(text) as { metadata: { continue?: string } }).metadata.continue;
        pages += 1;
      } while (continueToken);
      const pagedMs = performance.now() - pagedStart;
      timings.sort((a, b) => a - b);
      return {
        objects: LIST_OBJECTS,
        listMedianMs: Math.round(timings[2]!),
        listBytes: bytes,
        pagedListMs: Math.round(pagedMs),
        pages,
      };
    }),
};

export const kubeApiServerBenchmarks: Benchmark[] = [writes, list];
