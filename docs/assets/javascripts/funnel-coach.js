/* Funnel Coach: tell the reader when the embedded app cannot be reached. */
(function () {
  "use strict";
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
  function init() { document.querySelectorAll(".fc-app").forEach(check); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
