/**
 * The ids of recently dispatched events, to skip Event Grid's redeliveries (at-least-once:
 * a retry after a lost 200 repeats the id). Bounded: past `capacity`, the least recently seen
 * id is forgotten, and a redelivery that old is dispatched again, which costs one idempotent
 * reconcile and nothing else.
 */
export class RecentIds {
  readonly #capacity: number;
  /** Insertion order is recency order: a seen id is moved to the end. */
  readonly #ids = new Set<string>();

  /** `capacity` ≥ 1; default 10,000. */
  constructor(capacity = 10_000) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError('capacity must be an integer ≥ 1');
    this.#capacity = capacity;
  }

  /** True when `id` is remembered; a remembered id becomes the most recent. */
  has(id: string): boolean {
    if (!this.#ids.delete(id)) return false;
    this.#ids.add(id);
    return true;
  }

  /** Remembers `id` as the most recent, forgetting the oldest past capacity. */
  remember(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value!);
  }

  get size(): number {
    return this.#ids.size;
  }
}
