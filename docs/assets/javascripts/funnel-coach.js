/* Funnel Coach: the embedded app, as part of the lesson page.
 * - Says when the app cannot be reached.
 * - Opens the app in the page's language and palette, with the profile of the
 *   page's address (a link to a lesson page can carry a profile).
 * - Fits the frame to the app: the app reports its height (app/chrome.js), so
 *   the page has one scroll, also on a phone.
 * - Keeps the app's profile in the page's address and in the language links,
 *   so a reload or a switch of the site's language keeps it; a switch of
 *   language also keeps the section (#anchor: the same in every language).
 * - Follows the site's palette toggle: the app is reopened in the new palette,
 *   with its profile (it lives in the app's address).
 * - Loads the app only when the frame is about to scroll into view and the
 *   learner has touched the page (a tap, a key, the mouse, a scroll), or at once
 *   when the page is opened at #try-it or with a profile in its address, or when
 *   the learner presses the frame's start button: the app's scripts (React, the
 *   widgets) would otherwise compete with the lesson on a phone's CPU while the
 *   learner is still reading. The frame keeps its place and size meanwhile, so
 *   nothing moves (no layout shift).
 * - Gives a table or a code block that is wider than the screen a tab stop, so
 *   it scrolls with the keyboard too. */
(function () {
  "use strict";
  var OWN = ["lang", "framed", "embed", "embed_options"];
  var opened = 0; // when the app was opened (performance.now())

  function check(box) {
    var frame = box.querySelector(".fc-app__frame");
    var offline = box.querySelector(".fc-app__offline");
    if (!frame || !offline) return;
    var health = new URL("_stcore/health", base(frame));
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

  // The app's own address in the page (language, embed): the frame's data-src,
  // which the page sets instead of src so that nothing loads before open().
  function base(frame) {
    return new URL(frame.getAttribute("data-src") || frame.getAttribute("src"), window.location.href);
  }

  // The app's address: its base, the profile `search` carries, the frame mark
  // and the palette.
  function address(frame, search) {
    var src = base(frame);
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
    var start = box.querySelector(".fc-app__start");
    if (start) start.hidden = true;
    opened = performance.now();
    frame.src = address(frame, window.location.search);
    check(box);
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
      var box = frame.closest(".fc-app");
      // While the app starts it reports the height of what it has drawn so far
      // (a title, then part of the form): shrinking the frame to that and growing
      // it back would move the lesson below (layout shift). So the placeholder's
      // height stays until the app is drawn taller, or has had a few seconds.
      var starting = !box.classList.contains("fc-app--fitted") &&
        data.height < frame.offsetHeight && performance.now() - opened < 8000;
      if (typeof data.height === "number" && data.height > 0 && !starting) {
        frame.style.height = Math.ceil(data.height) + "px";
        box.classList.add("fc-app--fitted");
      }
      if (typeof data.search === "string") keep(data.search);
    });
  });

  // The learner came for the app: a link to the form, or one carrying a profile.
  function wanted() {
    return window.location.hash === "#try-it" || profile(window.location.search) !== "";
  }

  // Open the app when its box comes within a screen's height of the viewport
  // (about the time a phone needs to start it), at once when it is wanted.
  function init() {
    // Not before the lesson itself has loaded: its text paints first.
    if (document.readyState !== "complete") {
      window.addEventListener("load", init, { once: true });
      return;
    }
    document.querySelectorAll(".fc-app").forEach(function (box) {
      if (wanted() || !("IntersectionObserver" in window)) return open(box);
      var start = box.querySelector(".fc-app__start");
      if (start && !start.dataset.fcBound) {
        start.dataset.fcBound = "1";
        start.addEventListener("click", function () { open(box); });
      }
      var observer = new IntersectionObserver(function (entries) {
        if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
        observer.disconnect();
        if (engaged) return open(box);
        // In view before the learner did anything: wait for a sign of life, and
        // offer the button meanwhile.
        if (start && !box.querySelector(".fc-app__frame[data-fc-opened]")) start.hidden = false;
        waiting.push(box);
      }, { rootMargin: "100% 0px" });
      observer.observe(box);
    });
  }

  // The learner's first touch of the page opens the frames waiting in view.
  var engaged = false;
  var waiting = [];
  var SIGNS = ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "scroll"];
  function engage() {
    if (engaged) return;
    engaged = true;
    SIGNS.forEach(function (name) { window.removeEventListener(name, engage, true); });
    waiting.splice(0).forEach(open);
  }
  SIGNS.forEach(function (name) { window.addEventListener(name, engage, { capture: true, passive: true }); });
  // The language menu: the browser follows the link itself, with the page's
  // profile and section. Material's own handler (on the body) would send the
  // reader to the other language's page without either.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.stopPropagation();
    var target = new URL(link.getAttribute("href"), window.location.href);
    target.search = profile(window.location.search);
    target.hash = window.location.hash;
    link.href = target.href;
  }, true);
  // A table or a code block wider than the screen scrolls sideways: it takes a
  // tab stop, so a keyboard can scroll it too (WCAG 2.1.1, axe's
  // scrollable-region-focusable); one that fits takes none. The theme's script
  // does this for code blocks and wraps tables in a scroller, but it starts at
  // the reader's first move (overrides/main.html), and a keyboard user's first
  // move may be the Tab key itself.
  function reachableBlocks() {
    document.querySelectorAll(".md-typeset table:not([class]), .md-typeset pre > code").forEach(function (block) {
      var scroller = block.closest(".md-typeset__scrollwrap") || block;
      if (scroller.scrollWidth > scroller.clientWidth + 1) block.setAttribute("tabindex", "0");
      else block.removeAttribute("tabindex");
    });
  }
  var measuring = false;
  window.addEventListener("resize", function () {
    if (measuring) return;
    measuring = true;
    requestAnimationFrame(function () { measuring = false; reachableBlocks(); });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reachableBlocks, { once: true });
  else reachableBlocks();
  // A jump to #try-it on the same page (a link in the lesson) opens it too.
  window.addEventListener("hashchange", function () { if (wanted()) init(); });
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init, { once: true });
})();
