/* Funnel Coach: the embedded app, as part of the lesson page.
 * - Says when the app cannot be reached.
 * - Opens the app in the page's language and palette, with the profile of the
 *   page's address (a link to a lesson page can carry a profile).
 * - Fits the frame to the app: the app reports its height (app/chrome.js), so
 *   the page has one scroll, also on a phone.
 * - Keeps the app's profile in the page's address and in the language links,
 *   so a reload or a switch of the site's language keeps it.
 * - Follows the site's palette toggle: the app is reopened in the new palette,
 *   with its profile (it lives in the app's address). */
(function () {
  "use strict";
  var OWN = ["lang", "framed", "embed", "embed_options"];

  function check(box) {
    var frame = box.querySelector(".fc-app__frame");
    var offline = box.querySelector(".fc-app__offline");
    if (!frame || !offline) return;
    var health = new URL("_stcore/health", new URL(frame.getAttribute("src"), window.location.href));
    fetch(health, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); })
      .catch(function () {
        box.classList.add("fc-app--offline");
        offline.hidden = false;
      });
  }

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  // The app's address: its own src (language, embed), the profile `search`
  // carries, the frame mark and the palette.
  function address(frame, search) {
    var src = new URL(frame.getAttribute("src"), window.location.href);
    new URLSearchParams(search).forEach(function (value, key) {
      if (OWN.indexOf(key) < 0) src.searchParams.set(key, value);
    });
    src.searchParams.set("framed", "1");
    src.searchParams.set("embed_options", dark() ? "dark_theme" : "light_theme");
    return src.href;
  }

  // The profile of an app address, without what belongs to the frame.
  function profile(search) {
    var params = new URLSearchParams(search);
    OWN.forEach(function (key) { params.delete(key); });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function keep(search) {
    var query = profile(search);
    if (query !== window.location.search) {
      history.replaceState(history.state, "", window.location.pathname + query + window.location.hash);
    }
    document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
      var target = new URL(link.getAttribute("href"), window.location.href);
      target.search = query;
      link.href = target.href;
    });
  }

  function open(box) {
    var frame = box.querySelector(".fc-app__frame");
    if (!frame || frame.dataset.fcOpened) return;
    frame.dataset.fcOpened = "1";
    frame.src = address(frame, window.location.search);
    new MutationObserver(function () {
      var now = address(frame, frame.contentWindow ? frame.contentWindow.location.search : "");
      if (now !== frame.src) frame.src = now;
    }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== window.location.origin || !data || data.type !== "funnel-coach:app") return;
    document.querySelectorAll(".fc-app__frame").forEach(function (frame) {
      if (frame.contentWindow !== event.source) return;
      if (typeof data.height === "number" && data.height > 0) {
        frame.style.height = Math.ceil(data.height) + "px";
        frame.closest(".fc-app").classList.add("fc-app--fitted");
      }
      if (typeof data.search === "string") keep(data.search);
    });
  });

  function init() {
    document.querySelectorAll(".fc-app").forEach(function (box) {
      open(box);
      check(box);
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
