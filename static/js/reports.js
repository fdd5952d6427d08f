// Daily report form, progressive enhancement only: the form works the same with JS off.
// With JS: what is typed is kept on the device (a draft per account, unit and day); a submit is
// queued on the device first, then sent with a fresh idempotency key, so a dropped connection
// loses nothing and a retry is never saved twice; a report that meets a newer version shows both.
(function () {
  "use strict";
  const form = document.querySelector("form.report-form[data-offline]");
  const store = self.dtmStore;
  const queue = window.dtmQueue;

  function show(id, visible) {
    const node = document.getElementById(id);
    if (node) node.hidden = !visible;
    return node;
  }

  // The copy kept by the service worker, or no connection at all: say so.
  function showConnection() {
    const copy = document.body.dataset.offlineCopy === "1";
    show("offline-notice", copy || !navigator.onLine);
    // A message of the visit the copy was kept at would mislead.
    if (copy) document.querySelectorAll(".messages").forEach((node) => { node.hidden = true; });
  }
  showConnection();
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);

  const page = document.querySelector("[data-sw]");
  if ("serviceWorker" in navigator && page) {
    navigator.serviceWorker.register(page.dataset.sw, { scope: "/" }).then(async () => {
      const registration = await navigator.serviceWorker.ready;
      // This visit's page loaded before the worker existed: ask it to keep a copy now.
      if (form && !navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: "keep-copy", url: location.href });
      }
    }).catch(() => undefined);
  }

  if (!form || !store || !queue) {
    // Without a form (read-only day) or storage, only the double-tap guard below applies.
    onceGuard();
    return;
  }

  const account = queue.account;
  const unit = form.dataset.unit;
  const day = form.dataset.day;
  const draftId = store.draftId(account, unit, day);
  const SKIP = new Set(["csrfmiddlewaretoken", "idempotency_key"]);

  function fieldsOf() {
    return [...new FormData(form)].filter(([name]) => !SKIP.has(name));
  }

  function fill(fields) {
    const values = new Map(fields);
    for (const element of form.elements) {
      if (!element.name || SKIP.has(element.name)) continue;
      if (element.type === "checkbox") element.checked = values.has(element.name);
      else if (values.has(element.name)) element.value = values.get(element.name);
    }
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  let draftTimer = null;
  async function saveDraft() {
    clearTimeout(draftTimer);
    await store.put("drafts", { id: draftId, account, unit, day, fields: fieldsOf(), savedAt: Date.now() });
  }
  form.addEventListener("input", () => {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => saveDraft().catch(() => undefined), 300);
  });

  async function restore() {
    const draft = await store.get("drafts", draftId);
    if (draft) {
      if (same(draft.fields, fieldsOf())) {
        await store.remove("drafts", draftId);
      } else {
        // The draft's version goes back too: if the report changed since, sending it meets
        // the version check and both are shown, instead of overwriting the newer one.
        fill(draft.fields);
        show("draft-restored", true);
      }
    }
    const mine = (await store.ofAccount("queue", account))
      .filter((item) => item.unit === unit && item.day === day);
    for (const item of mine) {
      if (item.state === "conflict") showConflict(item, item.answer);
      else if (item.state === "invalid") postOrdinarily(item);
      else show("queued-notice", true);
    }
  }

  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function busy(on) {
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      if (on) button.setAttribute("aria-busy", "true");
      else button.removeAttribute("aria-busy");
    });
  }

  // Invalid values: the server's page shows each message next to its field, so post the form
  // the ordinary way (the same key; nothing was written).
  async function postOrdinarily(item) {
    await store.remove("queue", item.key);
    fill(item.fields);
    form.elements.idempotency_key.value = item.key;
    form.dataset.ordinary = "1";
    form.submit();
  }

  let settled = false;
  async function handle(item, result) {
    const outcome = result.outcome;
    if (settled) return;  // the page and the worker may both have sent it
    if (outcome === "saved") {
      settled = true;
      location.assign(result.answer.url);  // shows the server's confirmation
      return;
    }
    busy(false);
    delete form.dataset.sending;
    if (outcome === "conflict") showConflict(item, result.answer);
    else if (outcome === "invalid") postOrdinarily(item);
    else if (outcome === "forbidden") postOrdinarily(item);
    else {
      show("queued-notice", true);
      queue.retryLater();
    }
    await queue.refresh();
  }

  form.addEventListener("submit", async (event) => {
    if (form.dataset.ordinary) return;
    event.preventDefault();
    if (form.dataset.sending) return;  // a second tap while the first is travelling
    form.dataset.sending = "1";
    busy(true);
    show("conflict-choice", false);
    form.elements.idempotency_key.value = newKey();
    const item = {
      key: form.elements.idempotency_key.value, account, unit, day, url: form.action,
      fields: [...new FormData(form)].filter(([name]) => name !== "csrfmiddlewaretoken"),
      createdAt: Date.now(), state: "waiting",
    };
    try {
      await saveDraft();
      // On the device before it leaves: if the page dies now, the queue still has it.
      await store.put("queue", item);
    } catch (error) {
      // No storage (private mode): post the ordinary way.
      form.dataset.ordinary = "1";
      form.submit();
      return;
    }
    await queue.refresh();
    const result = await store.send(item, queue.csrfToken());
    await handle(item, result);
  });

  // The queue was sent from the banner, on reconnection or at load: follow this page's report.
  document.addEventListener("dtm:sent", (event) => {
    const { item, result } = event.detail;
    if (item.unit === unit && item.day === day) handle(item, result);
  });

  // A newer version exists: show both and let the focal point choose.
  function showConflict(item, answer) {
    const box = show("conflict-choice", true);
    if (!box) return;
    box.querySelector(".conflict-who").textContent = box.dataset.message
      .replace("{who}", answer.who).replace("{when}", answer.when);
    const body = box.querySelector("tbody");
    body.replaceChildren();
    const mine = new Map(item.fields);
    for (const [name, theirs] of Object.entries(answer.current)) {
      const yours = mine.has(name) ? mine.get(name) : "";
      if (yours === theirs) continue;
      const label = form.querySelector(`label[for="id_${name}"]`);
      const row = document.createElement("tr");
      for (const cell of [label ? label.textContent : name, yours, theirs]) {
        const td = document.createElement("td");
        td.textContent = cell;
        row.append(td);
      }
      body.append(row);
    }
    box.querySelector("[data-choice=mine]").onclick = async () => {
      // Send mine over the version I have now seen: a new submission, a new key.
      await store.remove("queue", item.key);
      fill(item.fields);
      form.elements.version.value = answer.version;
      await saveDraft();
      show("conflict-choice", false);
      form.requestSubmit();
    };
    box.querySelector("[data-choice=theirs]").onclick = async () => {
      await store.remove("queue", item.key);
      await store.remove("drafts", draftId);
      location.reload();
    };
    box.scrollIntoView({ block: "center" });
  }

  function onceGuard() {
    // Without our own submit handling, still spare the round trip of a second tap.
    document.addEventListener("submit", (event) => {
      const target = event.target;
      if (!target.matches("form[data-once]")) return;
      if (target.dataset.sending) {
        event.preventDefault();
        return;
      }
      target.dataset.sending = "1";
    });
  }

  // Coming back with the browser's Back button restores the page as it was left: re-arm it.
  window.addEventListener("pageshow", () => {
    delete form.dataset.sending;
    delete form.dataset.ordinary;
    busy(false);
  });

  restore().catch(() => undefined);
})();
