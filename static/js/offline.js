// Every page: the queue of reports waiting on this device ("2 báo cáo chờ gửi", "Gửi ngay"),
// sending it when the connection returns or on the next visit, and the logout that warns
// first and then leaves nothing of the account on the device. Without JS none of this exists
// and the forms post as usual.
(function () {
  "use strict";
  const PAGE_CACHE = "dtm-pages";
  const configNode = document.getElementById("offline-client");
  const store = self.dtmStore;

  function forgetPages() {
    if ("caches" in window) caches.delete(PAGE_CACHE).catch(() => undefined);
  }

  if (!configNode || !store) {
    // Signed out: copies of form pages kept for whoever was here before are removed.
    forgetPages();
    try { localStorage.removeItem("dtm-account"); } catch (error) { /* storage disabled */ }
    return;
  }
  const config = JSON.parse(configNode.textContent);
  const account = config.account;
  const text = config.messages;
  try {
    // Pages kept for another account (a session that ended without logout) are not ours.
    if (localStorage.getItem("dtm-account") !== account) {
      forgetPages();
      localStorage.setItem("dtm-account", account);
    }
  } catch (error) { /* storage disabled */ }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function format(message, count) {
    return message.replace("{count}", count);
  }
  // The worker sends only the signed-in account's reports, with a token from its last page.
  store.put("meta", { name: "account", value: account, csrfToken: csrfToken() })
    .catch(() => undefined);

  // The banner under the header.
  const banner = document.createElement("div");
  banner.className = "offline-queue";
  banner.id = "offline-queue";
  banner.setAttribute("role", "status");
  banner.hidden = true;
  const bannerText = document.createElement("span");
  const sendButton = document.createElement("button");
  sendButton.type = "button";
  sendButton.className = "send-now";
  sendButton.textContent = text.send_now;
  const reviewLink = document.createElement("a");
  reviewLink.hidden = true;
  reviewLink.textContent = text.review;
  banner.append(bannerText, " ", sendButton, " ", reviewLink);
  const main = document.querySelector("main");
  if (main) main.prepend(banner);

  async function pending() {
    try {
      return await store.ofAccount("queue", account);
    } catch (error) {
      return [];
    }
  }

  async function refresh(note) {
    const items = await pending();
    const waiting = items.filter((item) => item.state === "waiting");
    const attention = items.find((item) => item.state !== "waiting");
    banner.hidden = !items.length && !note;
    bannerText.textContent = note || format(text.pending, items.length);
    sendButton.hidden = !waiting.length;
    reviewLink.hidden = !attention;
    if (attention) reviewLink.href = attention.url;
    return items;
  }

  let sending = null;
  let retryDelay = 3000;
  let retryTimer = null;

  // Send every waiting report of this account, one after the other.
  function flush() {
    if (!sending) sending = flushOnce().finally(() => { sending = null; });
    return sending;
  }

  async function flushOnce() {
    const items = (await pending()).filter((item) => item.state === "waiting");
    if (!items.length) return refresh();
    bannerText.textContent = text.sending;
    let note = "";
    let retry = false;
    for (const item of items) {
      const result = await store.send(item, csrfToken());
      document.dispatchEvent(new CustomEvent("dtm:sent", { detail: { item, result } }));
      if (result.outcome === "saved") note = text.sent;
      else if (result.outcome === "login") note = text.log_in_again;
      else if (result.outcome === "offline" || result.outcome === "error") retry = true;
    }
    const left = await refresh(note && !retry ? note : "");
    if (retry && left.length) retryLater();
    else retryDelay = 3000;
    return left;
  }

  // A dropped answer or a flaky link: the same key is sent again a little later (and by the
  // worker's Background Sync once the browser sees the connection back).
  function retryLater() {
    clearTimeout(retryTimer);
    if (navigator.onLine) {
      retryTimer = setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
    askForBackgroundSync();
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register("dtm-send-queue"))
      .catch(() => undefined);
  }

  sendButton.addEventListener("click", () => {
    retryDelay = 3000;
    flush();
  });
  window.addEventListener("online", () => {
    retryDelay = 3000;
    flush();
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (!event.data || event.data.type !== "queue-changed") return;
      for (const detail of event.data.sent || []) {
        document.dispatchEvent(new CustomEvent("dtm:sent", { detail }));
      }
      refresh();
    });
  }

  // Logout: warn when reports are still waiting, offer to send them, then leave nothing of
  // this account on the device (drafts, queue, kept pages).
  let dialog = null;
  function logoutDialog(form, count) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "logout-warning";
      dialog.id = "logout-warning";
      const message = document.createElement("p");
      const status = document.createElement("p");
      status.className = "hint";
      const buttons = document.createElement("div");
      const make = (label, name) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.dataset.choice = name;
        buttons.append(button, " ");
        return button;
      };
      make(text.logout_send, "send").className = "primary";
      make(text.logout_anyway, "anyway");
      make(text.logout_stay, "stay");
      dialog.append(message, status, buttons);
      document.body.append(dialog);
    }
    const [message, status] = dialog.querySelectorAll("p");
    message.textContent = format(text.logout_warning, count);
    status.textContent = "";
    dialog.onclick = async (event) => {
      const choice = event.target.dataset && event.target.dataset.choice;
      if (choice === "stay") dialog.close();
      if (choice === "anyway") logOut(form);
      if (choice === "send") {
        const left = await flush();
        if (left.length) status.textContent = text.logout_still_waiting;
        else logOut(form);
      }
    };
    if (dialog.showModal) dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  async function logOut(form) {
    try {
      await store.forget(account);
    } catch (error) { /* nothing stored */ }
    forgetPages();
    try { localStorage.removeItem("dtm-account"); } catch (error) { /* storage disabled */ }
    form.dataset.cleared = "1";
    form.submit();
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-logout]") || form.dataset.cleared) return;
    event.preventDefault();
    const items = await pending();
    if (items.length) logoutDialog(form, items.length);
    else logOut(form);
  });

  window.dtmQueue = { account, flush, refresh, csrfToken, retryLater };
  // The next visit sends what an earlier one could not.
  refresh().then((items) => {
    if (items.some((item) => item.state === "waiting") && navigator.onLine) flush();
  });
})();
