import { deletedButRecoverable, deletedNotFound, notFound, VaultError, type ObjectKind } from './errors.ts';
import { latest, RECOVERABLE_DAYS, type Deleted, type ObjectTable, type Versioned } from './model.ts';

/**
 * Lifecycle of versioned objects shared by secrets, keys and certificates: lookup by name and
 * version, soft delete, recover, purge, restore. Names are matched case-insensitively.
 */

const DAY_SECONDS = 24 * 60 * 60;

function keyOf(name: string): string {
  return name.toLowerCase();
}

/** The live object called `name`; 404 when absent or soft-deleted. */
export function findLive<V>(table: ObjectTable<V>, kind: ObjectKind, name: string): Versioned<V> {
  const object = table.live.get(keyOf(name));
  if (!object) throw notFound(kind, name);
  return object;
}

/** The given version (or the current one when `version` is empty); 404 when absent. */
export function findVersion<V extends { version: string }>(
  object: Versioned<V>,
  kind: ObjectKind,
  version: string | undefined,
): V {
  if (!version) return latest(object);
  const wanted = version.toLowerCase();
  const found = object.versions.find((candidate) => candidate.version === wanted);
  if (!found) throw notFound(kind, object.name, version);
  return found;
}

/**
 * The object to add a version to: the live one, or a new empty one (not yet stored; the caller
 * stores it with `storeLive`). 409 when the name is soft-deleted.
 */
export function objectForWrite<V>(table: ObjectTable<V>, kind: ObjectKind, name: string): Versioned<V> {
  if (table.deleted.has(keyOf(name))) throw deletedButRecoverable(kind, name);
  return table.live.get(keyOf(name)) ?? { name, versions: [] };
}

export function storeLive<V>(table: ObjectTable<V>, object: Versioned<V>): void {
  table.live.set(keyOf(object.name), object);
}

/** Moves `name` to the deleted objects; 404 when not live. */
export function softDelete<V>(
  table: ObjectTable<V>,
  kind: ObjectKind,
  name: string,
  now: number,
): Deleted<Versioned<V>> {
  const object = findLive(table, kind, name);
  const deleted = { object, deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * DAY_SECONDS };
  table.live.delete(keyOf(name));
  table.deleted.set(keyOf(name), deleted);
  return deleted;
}

export function findDeleted<V>(table: ObjectTable<V>, kind: ObjectKind, name: string): Deleted<Versioned<V>> {
  const deleted = table.deleted.get(keyOf(name));
  if (!deleted) throw deletedNotFound(kind, name);
  return deleted;
}

/** Brings a soft-deleted object back; 404 when it is not deleted. */
export function recover<V>(table: ObjectTable<V>, kind: ObjectKind, name: string): Versioned<V> {
  const deleted = findDeleted(table, kind, name);
  table.deleted.delete(keyOf(name));
  table.live.set(keyOf(name), deleted.object);
  return deleted.object;
}

/** Forgets a soft-deleted object for good; 404 when it is not deleted. */
export function purge<V>(table: ObjectTable<V>, kind: ObjectKind, name: string): void {
  findDeleted(table, kind, name);
  table.deleted.delete(keyOf(name));
}

/** Stores a restored backup; 409 when the name is in use (live or deleted). */
export function restoreObject<V>(table: ObjectTable<V>, kind: ObjectKind, object: Versioned<V>): void {
  if (table.deleted.has(keyOf(object.name))) throw deletedButRecoverable(kind, object.name);
  if (table.live.has(keyOf(object.name)))
    throw new VaultError(
      409,
      'Conflict',
      `${kind} ${object.name} already exists in this key vault; restore is only possible under an unused name.`,
    );
  table.live.set(keyOf(object.name), object);
}

/** Live objects in name order (case-insensitive), as list operations return them. */
export function sortedLive<V>(table: ObjectTable<V>): Versioned<V>[] {
  return [...table.live.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}

export function sortedDeleted<V>(table: ObjectTable<V>): Deleted<Versioned<V>>[] {
  return [...table.deleted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}
