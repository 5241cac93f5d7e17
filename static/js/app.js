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

// Forms marked data-upload-progress show how much of the upload has been sent (htmx).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest && event.target.closest("form[data-upload-progress]");
  if (!form || !event.detail.lengthComputable) { return; }
  var bar = document.querySelector(form.getAttribute("data-upload-progress"));
  if (bar) { bar.value = Math.round(event.detail.loaded / event.detail.total * 100); }
});
