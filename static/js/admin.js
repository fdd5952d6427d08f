// The admin's own additions. import-export's export page names its "select all" box by a label
// pointing at an id the box lacks, and toggles it with an inline handler our CSP refuses: give
// the box its id and the behaviour here.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((box) => {
    if (!box.id) box.id = "select-all-toggle";
    box.addEventListener("change", () => {
      document.querySelectorAll(".selectable-field-export-row input[type=checkbox]").forEach(
        (field) => { field.checked = box.checked; },
      );
    });
  });
});
