import type { IncomingMessage } from 'node:http';
import { badParameter } from '../vault/errors.ts';

/** Largest request body read (the largest legitimate one, a PFX import, is far smaller). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JSON request body. Undefined when empty; `BadParameter` when too large or not JSON
 * (the message never quotes the body, which may hold a secret).
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw badParameter(`The request body exceeds ${MAX_BODY_BYTES} bytes.`);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badParameter('The request body is not valid JSON.');
  }
}
