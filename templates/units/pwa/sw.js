{% load static %}// The liaison's pages offline: the pairings list and the visit forms, and the static files
// they use. Pages are asked from the network first (so they are never older than they must
// be) and kept for when there is no signal; nothing of other units is ever fetched here.
"use strict";
var PAGES = "zhujing-pages-v1";
var STATIC = "zhujing-static-v1";
var OFFLINE_PAGE = /^{{ pages_pattern }}$/;
var STATIC_PREFIX = "{% get_static_prefix %}";
var LIST = "{{ list_url }}";

self.addEventListener("install", function (event) {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("zhujing-") === 0 && name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  // Only a real page of this liaison's: not a sign-in redirect, not an error.
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("{{ logout_url }}") === 0) {
    // Signing out forgets the pages kept for this person.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        });
      });
    }));
    return;
  }
  if (request.mode === "navigate" && OFFLINE_PAGE.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      return keepPage(new Request(url.pathname), response);
    }, function () {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) {
          return hit || cache.match(LIST).then(function (list) {
            return list || Response.error();
          });
        });
      });
    }));
  }
});

// The pairings page names the visit forms it links to: keep them for the field.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all(data.urls.map(function (href) {
        var url = new URL(href, self.location.origin);
        url.hash = "";
        if (url.origin !== self.location.origin || !OFFLINE_PAGE.test(url.pathname)) { return null; }
        return fetch(url.pathname, { credentials: "same-origin" }).then(function (response) {
          return keepPage(new Request(url.pathname), response);
        }, function () { return null; });
      }));
    }));
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  }
});
