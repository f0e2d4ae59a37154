// The app shell, cached per version, answers /m/ whatever the network does. API calls are never touched:
// the page sends them itself, and what they carry (names, addresses, phones) never enters Cache Storage.
const VERSION = '__VERSION__';
const CACHE = `visitsvc-m-${VERSION}`;
const SHELL = [
  '/m/',
  '/m/app.css',
  '/m/manifest.webmanifest',
  '/m/icons/icon-192.png',
  '/m/icons/icon-512.png',
  '/m/js/api.js',
  '/m/js/app.js',
  '/m/js/dom.js',
  '/m/js/events.js',
  '/m/js/geo.js',
  '/m/js/labels.js',
  '/m/js/net.js',
  '/m/js/outbox.js',
  '/m/js/photos.js',
  '/m/js/routes.js',
  '/m/js/session.js',
  '/m/js/store.js',
  '/m/js/sync.js',
  '/m/js/update.js',
  '/m/js/views/absence.js',
  '/m/js/views/appoint.js',
  '/m/js/views/callahead.js',
  '/m/js/views/lastcall.js',
  '/m/js/views/login.js',
  '/m/js/views/outbox.js',
  '/m/js/views/owed.js',
  '/m/js/views/record.js',
  '/m/js/views/today.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('visitsvc-m-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  // waitUntil keeps the worker alive until the browser has taken the request to activate it.
  if (event.data && event.data.type === 'skipWaiting') event.waitUntil(self.skipWaiting());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith('/m/') || url.pathname === '/m/sw.js') return; // /api/ is never answered here
  const key = url.pathname;
  if (!SHELL.includes(key)) return;
  event.respondWith(fromShell(key, event.request));
});

// Cache first: the shell of this version does not change. A miss (after a logout emptied the caches) is
// fetched and kept again.
async function fromShell(key, request) {
  const cache = await caches.open(CACHE);
  const held = await cache.match(key);
  if (held) return held;
  const response = await fetch(request.mode === 'navigate' ? request : new Request(key, { cache: 'no-cache' }));
  if (response.ok) await cache.put(key, response.clone());
  return response;
}
