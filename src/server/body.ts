/** Reading request bodies with a size cap. */
import type { IncomingMessage } from 'node:http';

/** 1 MiB: Event Grid batches stay well below (Azure caps a delivery at 1 MB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Reads the whole body, refusing (without reading further) one whose Content-Length or
 * actual length exceeds `maxBytes`. Never rejects; the caller answers 413 on `too-large`.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > maxBytes) {
        request.off('data', onData);
        request.pause();
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve({ ok: true, body: Buffer.concat(chunks, length) }));
    request.once('aborted', () => resolve({ ok: false, reason: 'aborted' }));
    request.once('error', () => resolve({ ok: false, reason: 'aborted' }));
  });
}
