import { Agent, request } from 'node:https';

/** A minimal keep-alive HTTPS JSON client for benchmarks (no client library overhead measured). */
export class BenchClient {
  readonly #agent: Agent;
  readonly #base: URL;
  readonly #token: string;

  constructor(url: string, caPem: string, token: string, maxSockets = 16) {
    this.#agent = new Agent({ keepAlive: true, ca: caPem, maxSockets });
    this.#base = new URL(url);
    this.#token = token;
  }

  /** Sends a request and resolves with status and raw body text. */
  send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        new URL(path, this.#base),
        {
          method,
          agent: this.#agent,
          headers: {
            Authorization: `Bearer ${this.#token}`,
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Opens a watch stream and counts the events it receives; `stop()` closes it. */
  watch(path: string): { received(): number; ready: Promise<void>; stop(): void } {
    let count = 0;
    let buffered = '';
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const req = request(
      new URL(path, this.#base),
      {
        agent: false,
        headers: { Authorization: `Bearer ${this.#token}`, Accept: 'application/json' },
        ...this.#tls(),
      },
      (res) => {
        resolveReady();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            buffered = buffered.slice(newline + 1);
            count += 1;
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', () => undefined);
    req.end();
    return { received: () => count, ready, stop: () => req.destroy() };
  }

  #tls(): { ca: string | Buffer | undefined } {
    return { ca: this.#agent.options.ca as string | Buffer | undefined };
  }

  close(): void {
    this.#agent.destroy();
  }
}
