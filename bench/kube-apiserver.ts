import { performance } from 'node:perf_hooks';
import { startKubeApiServer, type KubeApiServer } from '../dev/kube-apiserver/index.ts';
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

async function withServer<T>(run: (server: KubeApiServer, client: BenchClient) => Promise<T>): Promise<T> {
  const server = await startKubeApiServer({ port: 0, controllers: false });
  const client = new BenchClient(server.url, server.caPem, server.token, CONCURRENCY);
  try {
    return await run(server, client);
  } finally {
    client.close();
    await server.close();
  }
}

const writes: Benchmark = {
  name: 'kube-apiserver-writes',
  run: () =>
    withServer(async (server, client) => {
      const baselineMs = await writeAll(client, 'baseline');
      const rv = String(server.cluster.store.resourceVersion);
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
      for (let i = 0; i < LIST_OBJECTS; i++) {
        server.cluster.client.create('configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i}`, namespace: 'default', labels: { app: `app-${i % 10}` } },
          data: { key: `value-${i}` },
        });
      }
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
