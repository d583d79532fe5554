/** chrome.storage areas, seen through the small interface the store needs (a fake one serves in tests). */
export interface StorageArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** Survives the service worker being stopped; cleared when the browser closes. */
export const sessionStorage: StorageArea = globalThis.chrome?.storage.session as unknown as StorageArea;
/** Settings. */
export const localStorage: StorageArea = globalThis.chrome?.storage.local as unknown as StorageArea;
