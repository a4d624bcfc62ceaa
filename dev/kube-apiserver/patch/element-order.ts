import { jsonEqual } from './json-value.ts';

/**
 * The element order of a merged list, following upstream `normalizeElementOrder`: elements the
 * patch names (in `$setElementOrder`, or else in the patch list itself) come in the patch's order;
 * elements only the server knew keep their original order; the two runs are interleaved so that a
 * server-only element stays ahead of a patch element that came after it in the original list.
 */

/** Maps an element (or an entry of an order list) to the value that identifies it. */
export type ElementIdentity = (element: unknown) => unknown;

/**
 * Returns `merged` reordered. `patchOrder` lists the elements the client cares about (entries
 * are compared through `identify`); `serverOrder` is the list before the patch. Elements of
 * `merged` absent from both keep their relative order at the end. Does not mutate its inputs.
 */
export function orderElements(
  merged: readonly unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  identify: ElementIdentity,
): unknown[] {
  const positionIn = (list: readonly unknown[]) => {
    const ids = list.map(identify);
    return (element: unknown) => {
      const id = identify(element);
      const index = ids.findIndex((candidate) => jsonEqual(candidate, id));
      return index < 0 ? Number.POSITIVE_INFINITY : index;
    };
  };
  const patchPosition = positionIn(patchOrder);
  const serverPosition = positionIn(serverOrder);
  const byPosition = (position: (element: unknown) => number) => (a: unknown, b: unknown) =>
    position(a) === position(b) ? 0 : position(a) < position(b) ? -1 : 1;
  const named = merged.filter((element) => patchPosition(element) !== Number.POSITIVE_INFINITY);
  const serverOnly = merged.filter((element) => patchPosition(element) === Number.POSITIVE_INFINITY);
  named.sort(byPosition(patchPosition));
  serverOnly.sort(byPosition(serverPosition));
  return interleave(named, serverOnly, serverPosition);
}

/** Merges two sorted runs; a named element goes first only when the server had it earlier. */
function interleave(
  named: readonly unknown[],
  serverOnly: readonly unknown[],
  serverPosition: (element: unknown) => number,
): unknown[] {
  const result: unknown[] = [];
  let left = 0;
  let right = 0;
  while (left < named.length && right < serverOnly.length) {
    const namedIndex = serverPosition(named[left]);
    const serverIndex = serverPosition(serverOnly[right]);
    const bothKnown = namedIndex !== Number.POSITIVE_INFINITY && serverIndex !== Number.POSITIVE_INFINITY;
    if (bothKnown && namedIndex < serverIndex) result.push(named[left++]);
    else result.push(serverOnly[right++]);
  }
  return [...result, ...named.slice(left), ...serverOnly.slice(right)];
}
