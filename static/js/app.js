// Small progressive enhancements. No inline scripts: the CSP forbids them.

// Buttons marked data-print print the page (QR sheet, signing sheet); hidden without JS.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function () { window.print(); });
  });
});
