// Small progressive enhancements. No inline scripts: the CSP forbids them.

// Buttons marked data-print print the page (QR sheet, signing sheet); hidden without JS.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function () { window.print(); });
  });
});

// Buttons marked data-copy="#id" copy that element's text (the need's tracking code).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (el) {
    var source = document.querySelector(el.dataset.copy);
    if (!source || !navigator.clipboard) return;
    el.hidden = false;
    el.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        el.textContent = el.dataset.copied;
      });
    });
  });
});
