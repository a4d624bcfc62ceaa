import { parentPort } from 'node:worker_threads';
import { startKubeApiServer } from '../dev/kube-apiserver/index.ts';

/**
 * The Kubernetes API emulator in a worker thread of its own, so that benchmarks measure the
 * server's event loop and not the load generator's. Messages: `{ seed: N }` creates N ConfigMaps
 * in-process; `{ close: true }` stops the server.
 */

const server = await startKubeApiServer({ port: 0, controllers: false });
parentPort!.postMessage({ ready: true, url: server.url, caPem: server.caPem, token: server.token });
parentPort!.on('message', (message: { seed?: number; close?: boolean }) => {
  if (message.seed !== undefined) {
    for (let i = 0; i < message.seed; i++) {
      server.cluster.client.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, namespace: 'default', labels: { app: `app-${i % 10}` } },
        data: { key: `value-${i}` },
      });
    }
    parentPort!.postMessage({ seeded: message.seed });
  }
  if (message.close) void server.close().then(() => process.exit(0));
});
