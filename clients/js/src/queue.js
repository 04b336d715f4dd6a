// The writes not yet acknowledged by the server, oldest first, bounded, and kept in the platform's storage
// (localStorage in browsers) when there is one, so writes made offline survive a reload of the page.

/** @typedef {{getItem(key: string): string | null, setItem(key: string, value: string): void, removeItem(key: string): void}} KeyValueStorage */

/** A storage that forgets everything when the process ends: Node.js, or a browser without localStorage. */
export class MemoryStorage {
  #items = new Map();

  getItem(key) {
    return this.#items.has(key) ? this.#items.get(key) : null;
  }

  setItem(key, value) {
    this.#items.set(key, String(value));
  }

  removeItem(key) {
    this.#items.delete(key);
  }
}

/** The platform's localStorage when it works (private modes may refuse it), else a memory storage. */
export function defaultStorage() {
  try {
    const storage = globalThis.localStorage;
    if (storage) {
      const probe = "mgs-sync-client:probe";
      storage.setItem(probe, "1");
      storage.removeItem(probe);
      return storage;
    }
  } catch {
    // not available: memory
  }
  return new MemoryStorage();
}

export class WriteQueue {
  #storage;
  #key;
  #limit;
  /** @type {Array<{id: string, kind: string, path: string, body: Record<string, any>, hlc?: string, deviceId?: string, queuedAt: number}>} */
  #writes;

  constructor(storage, key, limit) {
    this.#storage = storage;
    this.#key = key;
    this.#limit = limit;
    this.#writes = this.#load();
  }

  get size() {
    return this.#writes.length;
  }

  get full() {
    return this.#writes.length >= this.#limit;
  }

  /** The oldest write, or undefined. */
  head() {
    return this.#writes[0];
  }

  all() {
    return this.#writes.map((w) => structuredClone(w));
  }

  push(write) {
    this.#writes.push(write);
    this.#save();
  }

  remove(id) {
    this.#writes = this.#writes.filter((w) => w.id !== id);
    this.#save();
  }

  #load() {
    try {
      const text = this.#storage.getItem(this.#key);
      const parsed = text ? JSON.parse(text) : [];
      return Array.isArray(parsed) ? parsed.filter((w) => w && typeof w.id === "string" && typeof w.path === "string") : [];
    } catch {
      return [];
    }
  }

  #save() {
    try {
      if (this.#writes.length) this.#storage.setItem(this.#key, JSON.stringify(this.#writes));
      else this.#storage.removeItem(this.#key);
    } catch {
      // storage full or refused: the writes stay queued in memory
    }
  }
}
