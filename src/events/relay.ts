/**
 * Passing an Event Grid delivery on to the other replicas. Event Grid posts to the operator's
 * Service, which picks any ready replica; but only the replica that owns an ExternalSecret (the
 * leader, or the holder of its shard) syncs it. So the replica that received a delivery posts
 * it, unchanged and with the credentials it came with, to every live peer, which authenticates
 * it as its own and dispatches what it owns. Redeliveries are skipped by event id, as always.
 *
 * Relaying is best effort and off the response path: Event Grid gets its answer from the first
 * replica at once, and a peer that could not be reached catches the change on its next vault
 * listing (the push fallback interval).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../observability/logger.ts';
import { SHARED_SECRET_HEADER } from './event-types.ts';

/** Marks a relayed delivery (its value: the relaying replica), which is not relayed again. */
export const RELAYED_BY_HEADER = 'x-kvsync-relayed-by';

/** What a peer needs to read and authenticate the delivery as Event Grid sent it. */
const PASSED_ON_HEADERS = [
  'content-type',
  'authorization',
  SHARED_SECRET_HEADER,
  'aeg-event-type',
  'aeg-subscription-name',
  'aeg-delivery-count',
  'aeg-data-version',
  'aeg-metadata-version',
] as const;

const DEFAULT_TIMEOUT_MS = 5_000;

export interface Delivery {
  /** Path and query as received (the query may carry the shared secret). */
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RelayOptions {
  /** This replica, named in the relayed request. */
  identity: string;
  /** The other live replicas and their HTTP servers' base URLs. */
  peers(): Promise<ReadonlyArray<{ identity: string; url: string }>>;
  logger: Logger;
  count?(outcome: 'sent' | 'failed'): void;
  timeoutMs?: number;
}

/** True when another replica relayed this delivery (it must not be relayed again). */
export function wasRelayed(headers: IncomingHttpHeaders): boolean {
  return headers[RELAYED_BY_HEADER] !== undefined;
}

/** Returns `relay(delivery)`, which posts it to every peer in the background and never throws. */
export function createRelay(options: RelayOptions): (delivery: Delivery) => void {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const post = async (peer: { identity: string; url: string }, delivery: Delivery): Promise<void> => {
    const headers: Record<string, string> = { [RELAYED_BY_HEADER]: options.identity };
    for (const name of PASSED_ON_HEADERS) {
      const value = delivery.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const target = new URL(`${delivery.url.pathname}${delivery.url.search}`, peer.url);
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers,
        body: new Uint8Array(delivery.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
      options.count?.('sent');
    } catch (error) {
      options.count?.('failed');
      // The URL is left out: its query may hold the shared secret.
      options.logger.warn('event grid delivery not passed on to a peer; it syncs at its next listing', {
        peer: peer.identity,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  return (delivery) => {
    void (async () => {
      let peers;
      try {
        peers = await options.peers();
      } catch (error) {
        options.logger.warn('event grid delivery not passed on: peers not listed', { error });
        return;
      }
      await Promise.all(peers.map((peer) => post(peer, delivery)));
    })();
  };
}
