// Device storage for the daily form on a weak link, shared by the pages (offline.js,
// reports.js) and the service worker (served with this file put in front, reports/offline.py).
// Drafts and queued submissions live in IndexedDB, every record tagged with its account, so one
// person's reports are never shown to or sent for the next one on a shared phone.
(function (scope) {
  "use strict";
  const DB_NAME = "dtmonitor-offline";
  const STORES = ["drafts", "queue", "meta"];
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("drafts", { keyPath: "id" }).createIndex("account", "account");
          db.createObjectStore("queue", { keyPath: "key" }).createIndex("account", "account");
          db.createObjectStore("meta", { keyPath: "name" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => {
          opening = null;
          reject(request.error);
        };
      });
    }
    return opening;
  }

  // One transaction on one store; resolves with the request's result once it has committed.
  async function run(name, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      let result;
      const request = work(tx.objectStore(name));
      if (request) request.onsuccess = () => { result = request.result; };
      tx.oncomplete = () => resolve(result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const store = {
    get: (name, key) => run(name, "readonly", (s) => s.get(key)),
    put: (name, value) => run(name, "readwrite", (s) => s.put(value)),
    remove: (name, key) => run(name, "readwrite", (s) => s.delete(key)),
    ofAccount: (name, account) =>
      run(name, "readonly", (s) => s.index("account").getAll(String(account))),
    draftId: (account, unit, day) => `${account}|${unit}|${day}`,

    // Logout: nothing of this account stays readable on the device.
    async forget(account) {
      for (const name of ["drafts", "queue"]) {
        await run(name, "readwrite", (s) => {
          const cursor = s.index("account").openCursor(String(account));
          cursor.onsuccess = () => {
            if (cursor.result) {
              cursor.result.delete();
              cursor.result.continue();
            }
          };
        });
      }
      const current = await store.get("meta", "account");
      if (current && current.value === String(account)) await store.remove("meta", "account");
    },

    // Send one queued submission. The server answers JSON (reports/offline.py): saved (200),
    // conflict (409) or invalid (200); the item's state records what happened. A network
    // failure leaves it waiting: the same idempotency key goes with the next try.
    async send(item, csrfToken) {
      const body = new URLSearchParams(item.fields);
      if (csrfToken) body.set("csrfmiddlewaretoken", csrfToken);
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" },
        });
      } catch (error) {
        return { outcome: "offline" };
      }
      const type = response.headers.get("Content-Type") || "";
      if (!type.startsWith("application/json")) {
        // The login page (session ended), a refusal (403) or a server error: try again later.
        if (response.redirected) return { outcome: "login" };
        return { outcome: response.status === 403 ? "forbidden" : "error", status: response.status };
      }
      const answer = await response.json();
      if (answer.status === "saved") {
        await store.remove("queue", item.key);
        const draft = await store.get("drafts", store.draftId(item.account, item.unit, item.day));
        // Clear the draft only if nothing was typed after this submission left the form.
        if (draft && draft.savedAt <= item.createdAt) await store.remove("drafts", draft.id);
        return { outcome: "saved", answer };
      }
      if (answer.status === "conflict" || answer.status === "invalid") {
        item.state = answer.status;
        item.answer = answer;
        await store.put("queue", item);
        return { outcome: answer.status, answer };
      }
      return { outcome: "error", status: response.status };
    },
  };
  scope.dtmStore = store;
  scope.dtmStoreNames = STORES;
})(self);
