// PLACEHOLDER written by the lead so the server can be smoke-tested; the controllers helper replaces this file.
import type { LocalClient } from '../api/local-client.ts';
export interface ControllerClock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}
export function startControllers(_client: LocalClient, _options: { clock?: ControllerClock } = {}) {
  return { stop() {}, idle: () => Promise.resolve() };
}
