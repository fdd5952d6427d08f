// Daily report form, progressive enhancement only: the form works the same with JS off.
// A second tap on "submit" while the first request is still travelling (slow connections)
// would only earn a "nothing changed" answer; disable the button to spare the round trip.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-once]")) return;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.querySelectorAll("button[type=submit]").forEach((button) => {
    button.setAttribute("aria-busy", "true");
  });
});
// Coming back with the browser's Back button restores the page as it was left: re-arm it.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-once]").forEach((form) => {
    delete form.dataset.sending;
    form.querySelectorAll("button[aria-busy]").forEach((button) => button.removeAttribute("aria-busy"));
  });
});
