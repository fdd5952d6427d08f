// The service worker (served at /sw.js by reports.offline.service_worker, which puts VERSION,
// ASSETS, STATIC_PREFIX and offline-store.js in front of this file).
// - Static files: from the cache at once, refreshed in the background.
// - The daily form: from the network, a copy kept; with no network, the last copy, marked so
//   the page can say it is offline.
// - Queued reports: sent by Background Sync where the browser has it.
"use strict";
const STATIC_CACHE = `dtm-static-${VERSION}`;
const PAGE_CACHE = "dtm-pages";
const LAST_FORM = "/reports/last-form-copy";
const FORM_PATH = /^\/reports\/unit\/[^/]+\/\d{4}-\d{2}-\d{2}\/$/;
const FORM_ENTRY = /^\/reports\/(today|start)\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(ASSETS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("dtm-static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX) || url.pathname === "/manifest.webmanifest") {
    event.respondWith(fromCacheThenRefresh(event, request));
  } else if (request.mode === "navigate"
             && (FORM_PATH.test(url.pathname) || FORM_ENTRY.test(url.pathname))) {
    event.respondWith(formPage(request));
  }
});

async function fromCacheThenRefresh(event, request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  const refresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

async function keepFormCopy(response) {
  if (!response.ok || response.type !== "basic") return;
  if (!FORM_PATH.test(new URL(response.url).pathname)) return;
  const cache = await caches.open(PAGE_CACHE);
  await cache.put(new URL(response.url).pathname, response.clone());
  await cache.put(LAST_FORM, response.clone());
}

async function formPage(request) {
  try {
    const response = await fetch(request);
    await keepFormCopy(response);
    return response;
  } catch (error) {
    const cache = await caches.open(PAGE_CACHE);
    const path = new URL(request.url).pathname;
    const cached = (await cache.match(path, { ignoreVary: true, ignoreSearch: true }))
      || (await cache.match(LAST_FORM, { ignoreVary: true }));
    if (!cached) throw error;
    // Mark the copy, so the page tells the focal point what they are looking at.
    const html = (await cached.text()).replace("<body", '<body data-offline-copy="1"');
    return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
}

// The page asks for a copy of itself after its first visit (it loaded before this worker).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-copy" && FORM_PATH.test(new URL(data.url).pathname)) {
    event.waitUntil(fetch(data.url, { credentials: "same-origin" }).then(keepFormCopy)
      .catch(() => undefined));
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});

// Background Sync: send the signed-in account's waiting reports. Only that account's: the
// account is recorded by its pages and removed at logout.
self.addEventListener("sync", (event) => {
  if (event.tag === "dtm-send-queue") event.waitUntil(sendQueue());
});

async function sendQueue() {
  const store = self.dtmStore;
  const current = await store.get("meta", "account");
  if (!current) return;
  const items = await store.ofAccount("queue", current.value);
  let offline = false;
  const sent = [];
  for (const item of items.filter((entry) => entry.state === "waiting")) {
    const result = await store.send(item, current.csrfToken);
    if (result.outcome === "offline") offline = true;
    sent.push({ item, result });
  }
  // Open pages follow their report (a confirmation, a conflict to resolve).
  const windows = await self.clients.matchAll({ type: "window" });
  windows.forEach((client) => client.postMessage({ type: "queue-changed", sent }));
  // Rejecting asks the browser to try the sync again later.
  if (offline) throw new Error("still offline");
}
