// Small progressive enhancements. No inline scripts: the CSP forbids them.
document.addEventListener("DOMContentLoaded", function () {
  // Forms marked data-autosubmit submit when a select changes (filters).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
    el.addEventListener("change", function () {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    });
  });
});
