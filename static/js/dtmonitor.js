// Behaviour shared by every page. No inline scripts: the CSP only allows our own files.
// An error summary's link moves focus into its field (a bare #fragment only scrolls to it).
document.addEventListener("click", (event) => {
  const link = event.target.closest(".error-summary a[href^='#']");
  if (!link) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
});
// After a failed submit the error summary takes focus (autofocus). Coming from the skip link,
// the address still ends in "#main" and the browser would focus <main> instead: the summary wins.
window.addEventListener("load", () => {
  const summary = document.querySelector(".error-summary[autofocus]");
  if (summary && document.activeElement !== summary) summary.focus();
});
