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
