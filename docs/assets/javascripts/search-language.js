/* Funnel Coach: search only the pages of the language being read.
 *
 * mkdocs-static-i18n writes one search index holding every language. Material
 * reads `window.__search.index` when it exists, so we hand it the same index
 * filtered to this page's language (and with that language's stemmer only).
 */
(function () {
  "use strict";
  var OTHERS = ["it", "es", "fr", "pt"];
  var script = document.currentScript;
  var root = new URL("../../", script.src);           // assets/javascripts/ -> site root
  var lang = (document.documentElement.lang || "en").slice(0, 2);
  if (OTHERS.indexOf(lang) < 0) lang = "en";

  function ofLanguage(location) {
    var first = location.split("/")[0];
    if (lang === "en") return OTHERS.indexOf(first) < 0;
    return first === lang;
  }

  window.__search = window.__search || {};
  window.__search.index = fetch(new URL("search/search_index.json", root), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (index) {
      index.docs = index.docs.filter(function (doc) { return ofLanguage(doc.location); });
      index.config.lang = [lang];
      return index;
    });
})();
