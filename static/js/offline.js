// Visits recorded where there is no signal (走访 at a village's 田头 party branch).
//
// The visit form is sent with fetch; when the network fails, the visit is kept in this phone's
// localStorage with an id of its own and sent again on the next page load or when the network
// returns. The server stores an id once, so retries and two tabs never make two visits. A visit
// the server refuses stays here with its reason, to be edited or discarded.
//
// Works without a service worker (WeChat's browser on iOS): the service worker (sw.js) only
// keeps the pairings list and the visit forms available offline. No inline script: the CSP
// stays strict. Every text shown comes from the page (translated there) or the server.
(function () {
  "use strict";

  var KEY = "zhujing.visitQueue.v1";
  var JUST_SAVED = "zhujing.visitQueue.justSaved";
  var badge = document.querySelector("[data-offline-badge]");
  // Only a signed-in member sees the badge; its owner keeps queues of two people apart.
  var owner = badge ? badge.getAttribute("data-owner") : null;
  var sending = false;

  function storageWorks() {
    try {
      localStorage.setItem(KEY + ".probe", "1");
      localStorage.removeItem(KEY + ".probe");
      return true;
    } catch (e) {
      return false;
    }
  }

  function load() {
    try {
      var items = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function save(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
  }

  function mine(items) {
    return items.filter(function (item) { return item.owner === owner; });
  }

  function update(id, change) {
    var items = load();
    items.forEach(function (item) {
      if (item.id === id) { Object.keys(change).forEach(function (k) { item[k] = change[k]; }); }
    });
    save(items);
  }

  function remove(id) {
    save(load().filter(function (item) { return item.id !== id; }));
  }

  // A version 4 UUID. crypto.randomUUID needs a secure context, and phones reach the office
  // PC over plain http at the joint meeting; getRandomValues works there too.
  function newId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function post(url, fields) {
    var body = new FormData();
    fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    });
  }

  // --- The header's count and the list on the pairings page -------------------------------

  function render() {
    if (!badge) { return; }
    var items = mine(load());
    var count = badge.querySelector("[data-count]");
    if (count) { count.textContent = String(items.length); }
    badge.hidden = items.length === 0;
    var list = document.querySelector("[data-offline-queue]");
    if (!list) { return; }
    var rows = list.querySelector("[data-rows]");
    var template = list.querySelector("template");
    rows.textContent = "";
    items.forEach(function (item) {
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelector("[data-community]").textContent = item.community;
      row.querySelector("[data-date]").textContent = item.visitedOn;
      var status = row.querySelector("[data-status]");
      if (item.error) {
        status.textContent = list.getAttribute("data-refused") + item.error;
        row.classList.add("queue-refused");
      } else {
        status.textContent = list.getAttribute("data-waiting");
      }
      var edit = row.querySelector("[data-edit]");
      edit.href = item.formUrl + "#queued=" + encodeURIComponent(item.id);
      edit.hidden = !item.editable;
      row.querySelector("[data-discard]").addEventListener("click", function () {
        if (window.confirm(list.getAttribute("data-discard-confirm"))) { remove(item.id); render(); }
      });
      rows.appendChild(row);
    });
    list.hidden = items.length === 0;
    var notice = list.querySelector("[data-just-saved]");
    if (notice && sessionStorage.getItem(JUST_SAVED)) {
      notice.hidden = false;
      sessionStorage.removeItem(JUST_SAVED);
    }
  }

  // --- Sending the queue ---------------------------------------------------------------------

  function send(item) {
    return post(item.uploadUrl, [["client_id", item.id]].concat(item.fields)).then(
      function (response) {
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          // Signed out, or the page's token is stale: keep it and try again later.
          return "later";
        }
        return response.json().then(function (answer) {
          if (answer.ok) { remove(item.id); return "sent"; }
          if (response.status >= 500) { return "later"; }
          // A refused field can be corrected on the form; an ended pairing cannot.
          update(item.id, { error: answer.error || String(response.status), editable: response.status === 400 });
          return "refused";
        }, function () { return "later"; });
      },
      function () { return "offline"; }
    );
  }

  function sendAll() {
    if (sending || !owner || !navigator.onLine) { return Promise.resolve(); }
    var waiting = mine(load()).filter(function (item) { return !item.error; });
    if (!waiting.length) { return Promise.resolve(); }
    sending = true;
    var chain = Promise.resolve("start");
    waiting.forEach(function (item) {
      chain = chain.then(function (last) {
        return last === "offline" ? last : send(item);
      });
    });
    return chain.then(function () { sending = false; render(); }, function () { sending = false; render(); });
  }

  // Two tabs flushing the same queue at once would send each visit twice; the server would
  // store it once, but one lock keeps the traffic down where the browser has Web Locks.
  function sendAllOnce() {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("zhujing-visit-queue", sendAll);
    }
    return sendAll();
  }

  // --- The visit form --------------------------------------------------------------------------

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "client_id") { fields.push([name, value]); }
    });
    return fields;
  }

  function fillForm(form, item) {
    var values = {};
    item.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || !(el.name in values)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name][0];
      }
    });
  }

  function setUpForm(form) {
    var idField = form.querySelector("input[name=client_id]");
    var match = /#queued=([0-9a-f-]{36})/.exec(location.hash);
    var editing = match && mine(load()).filter(function (item) { return item.id === match[1]; })[0];
    if (editing) {
      fillForm(form, editing);
      idField.value = editing.id;
    } else if (!idField.value) {
      idField.value = newId();
    }
    var status = document.querySelector("[data-offline-status]");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var item = {
        id: idField.value,
        owner: owner,
        pairing: form.getAttribute("data-pairing"),
        community: form.getAttribute("data-community"),
        uploadUrl: form.getAttribute("data-upload-url"),
        formUrl: location.pathname,
        visitedOn: (form.querySelector("[name=visited_on]") || {}).value || "",
        fields: fieldsOf(form),
        savedAt: new Date().toISOString(),
        error: ""
      };
      function keep() {
        save(load().filter(function (other) { return other.id !== item.id; }).concat([item]));
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          // The pairings list is kept offline: go back to it, where the queue is shown.
          sessionStorage.setItem(JUST_SAVED, "1");
          location.href = form.getAttribute("data-list-url");
          return;
        }
        // No service worker (WeChat's browser on iOS): stay here, ready for the next visit.
        if (status) { status.hidden = false; status.focus(); }
        form.reset();
        idField.value = newId();
        button.disabled = false;
        history.replaceState(null, "", location.pathname);
        render();
      }
      if (!navigator.onLine) { keep(); return; }
      post(item.uploadUrl, [["client_id", item.id]].concat(item.fields)).then(function (response) {
        if (response.status === 400) {
          // The server's own page shows the errors beside their fields; nothing was stored.
          remove(item.id);
          form.submit();
          return;
        }
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403 ||
            response.status >= 500) {
          keep();
          return;
        }
        return response.json().then(function (answer) {
          if (answer.ok) {
            remove(item.id);
            location.href = answer.redirect;
          } else {
            item.error = answer.error;
            item.editable = false;
            keep();
          }
        });
      }, keep);
    });
  }

  // --- Start -----------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", function () {
    if (!owner || !storageWorks()) { return; }
    var form = document.querySelector("form[data-offline-form]");
    if (form) { setUpForm(form); }
    render();
    sendAllOnce();
    window.addEventListener("online", sendAllOnce);
    window.addEventListener("storage", function (event) { if (event.key === KEY) { render(); } });
    if ("serviceWorker" in navigator && badge.getAttribute("data-worker")) {
      navigator.serviceWorker.register(badge.getAttribute("data-worker")).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        // Keep this page and every visit form it links to for when the signal is gone
        // (the worker keeps only the pages it is meant to).
        var pages = Array.prototype.map.call(
          document.querySelectorAll("a[data-offline-page]"), function (a) { return a.href; }
        ).concat([location.href]);
        if (pages.length && registration.active) {
          registration.active.postMessage({ type: "keep", urls: pages });
        }
      }).catch(function () { /* the queue works without it */ });
    }
  });
})();
