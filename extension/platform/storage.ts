/** globalThis.chrome.storage.session (survives the worker, not the browser) and .local (settings). */
export type StorageArea = Pick<globalThis.chrome.storage.StorageArea, 'get' | 'set' | 'remove'>;

export const sessionStorage: StorageArea = globalThis.chrome.storage.session;
export const localStorage: StorageArea = globalThis.chrome.storage.local;
