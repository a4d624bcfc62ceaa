import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyVault, type Deleted, type ObjectTable, type VaultData, type Versioned } from './model.ts';

/**
 * All vaults of one emulator, in memory, optionally saved as JSON in a directory after every
 * change and loaded from it at start. Vault names are lower-case (DNS labels).
 */

interface TableSnapshot<V> {
  live: Versioned<V>[];
  deleted: Deleted<Versioned<V>>[];
}

interface VaultSnapshot {
  secrets: TableSnapshot<unknown>;
  keys: TableSnapshot<unknown>;
  certificates: TableSnapshot<unknown>;
}

/** The saved form of the store (`state.json`). */
export interface StoreSnapshot {
  version: 1;
  vaults: Record<string, VaultSnapshot>;
  /** Ports the vaults listened on, reused after a restart when free. */
  ports?: Record<string, number>;
}

const STATE_FILE = 'state.json';

function tableSnapshot<V>(table: ObjectTable<V>): TableSnapshot<V> {
  return { live: [...table.live.values()], deleted: [...table.deleted.values()] };
}

function loadTable<V>(table: ObjectTable<V>, snapshot: TableSnapshot<unknown> | undefined): void {
  for (const object of (snapshot?.live ?? []) as Versioned<V>[])
    table.live.set(object.name.toLowerCase(), object);
  for (const deleted of (snapshot?.deleted ?? []) as Deleted<Versioned<V>>[])
    table.deleted.set(deleted.object.name.toLowerCase(), deleted);
}

/** The emulator's vaults. Not safe across processes: one emulator owns a directory. */
export class KeyVaultStore {
  readonly #vaults = new Map<string, VaultData>();
  readonly #dir: string | undefined;
  #ports: Record<string, number> = {};
  /** Saved vaults this run does not serve: written back unchanged, so fewer --vault flags lose nothing. */
  readonly #otherVaults: Record<string, VaultSnapshot> = {};

  /** Creates the vaults `names`; with `dir`, loads what was saved there (other vaults' data is kept on disk). */
  constructor(names: readonly string[], dir?: string) {
    this.#dir = dir;
    const saved = dir ? readSnapshot(dir) : undefined;
    this.#ports = saved?.ports ?? {};
    for (const name of names) {
      const vault = emptyVault(name.toLowerCase());
      const data = saved?.vaults[vault.name];
      loadTable(vault.secrets, data?.secrets);
      loadTable(vault.keys, data?.keys);
      loadTable(vault.certificates, data?.certificates);
      this.#vaults.set(vault.name, vault);
    }
    for (const [name, data] of Object.entries(saved?.vaults ?? {}))
      if (!this.#vaults.has(name)) this.#otherVaults[name] = data;
  }

  /** The vault called `name` (case-insensitive); undefined when this emulator has none. */
  vault(name: string): VaultData | undefined {
    return this.#vaults.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.#vaults.keys()];
  }

  /** The port `vault` had when last saved, if any. */
  savedPort(vault: string): number | undefined {
    return this.#ports[vault];
  }

  setPorts(ports: Record<string, number>): void {
    this.#ports = { ...ports };
    this.save();
  }

  snapshot(): StoreSnapshot {
    const vaults: Record<string, VaultSnapshot> = {};
    for (const [name, vault] of this.#vaults)
      vaults[name] = {
        secrets: tableSnapshot(vault.secrets),
        keys: tableSnapshot(vault.keys),
        certificates: tableSnapshot(vault.certificates),
      };
    return { version: 1, vaults, ports: this.#ports };
  }

  /** Writes the state to the directory (atomically); does nothing for a memory-only store. */
  save(): void {
    if (!this.#dir) return;
    mkdirSync(this.#dir, { recursive: true });
    const file = join(this.#dir, STATE_FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    const snapshot = this.snapshot();
    snapshot.vaults = { ...this.#otherVaults, ...snapshot.vaults };
    writeFileSync(temporary, JSON.stringify(snapshot), { mode: 0o600 });
    renameSync(temporary, file);
  }
}

function readSnapshot(dir: string): StoreSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as StoreSnapshot;
  if (parsed.version !== 1) throw new Error(`unsupported state file version in ${dir}`);
  return parsed;
}
