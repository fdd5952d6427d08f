// Behaviour shared by every page. No inline scripts: the CSP only allows our own files.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
