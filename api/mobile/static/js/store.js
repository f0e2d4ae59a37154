// The app's own copy of what it needs offline, in IndexedDB `visitsvc-m` (never in Cache Storage).

const NAME = 'visitsvc-m';
const STORES = ['session', 'routes', 'owed', 'outbox', 'meta'];
let opening = null;
// After a logout nothing may write again until the next login: a fetch that finishes late would otherwise
// quietly re-create the database with a route in it.
let closed = false;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function open() {
  if (!opening) {
    const request = indexedDB.open(NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const store of STORES) {
        if (!db.objectStoreNames.contains(store)) {
          db.createObjectStore(store, store === 'outbox' ? { keyPath: 'client_id' } : undefined);
        }
      }
    };
    opening = promised(request).then((db) => {
      db.onversionchange = () => { db.close(); opening = null; };
      return db;
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

async function run(store, mode, work) {
  if (closed) return undefined;
  const db = await open();
  const tx = db.transaction(store, mode);
  const result = work(tx.objectStore(store));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result instanceof IDBRequest ? result.result : result;
}

export function get(store, key) {
  return run(store, 'readonly', (s) => s.get(key));
}

export async function all(store) {
  return (await run(store, 'readonly', (s) => s.getAll())) || [];
}

export async function keys(store) {
  return (await run(store, 'readonly', (s) => s.getAllKeys())) || [];
}

export function put(store, value, key) {
  return run(store, 'readwrite', (s) => (key === undefined ? s.put(value) : s.put(value, key)));
}

export function remove(store, key) {
  return run(store, 'readwrite', (s) => s.delete(key));
}

export function reopen() {
  closed = false;
}

export async function wipe() {
  closed = true;
  if (opening) {
    try { (await opening).close(); } catch (e) { /* already gone */ }
  }
  opening = null;
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(NAME);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

export function clear(store) {
  return run(store, 'readwrite', (s) => s.clear());
}

// Several writes in one transaction: a batch of 200 records settles at once, not in 200 round trips.
export function writeMany(store, puts, deletes) {
  return run(store, 'readwrite', (s) => {
    for (const value of puts) s.put(value);
    for (const key of deletes) s.delete(key);
  });
}
