// Streamlit's own English words, in the page's language. See app/chrome.py.
// TABLE is {lang: {english: translation}}; "{name}" marks the part Streamlit fills in.
(() => {
  const TABLE = __TABLE__;
  const root = document.documentElement;
  const ATTRIBUTES = ["aria-label", "placeholder", "title"];
  const SLOT = /\{\w+\}/;

  // Any language's wording, back to the English it stands for.
  // A slot holds a file size, or (on a button's label only) any text: a file
  // the learner named "Remove duplicates.csv" keeps its name.
  const SIZE = "(\\d[\\d.,]*\\s?[KMGT]?B)";
  const quote = (text) => text.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
  const patterns = [];
  for (const words of Object.values(TABLE)) {
    for (const [english, shown] of Object.entries(words)) {
      const slot = SLOT.exec(english);
      const [before, after] = shown.split(SLOT);
      const any = slot !== null && slot[0] !== "{size}";
      const source = slot ? quote(before) + (any ? "(.+)" : SIZE) + quote(after) : quote(shown);
      patterns.push([new RegExp("^" + source + "$", "s"), english, slot !== null, any]);
    }
  }

  // The page's language: the app's marker, else ?lang=, else the browser's.
  const pick = () => {
    const marker = document.querySelector("[data-fc-lang]");
    const said = marker && marker.dataset.fcLang;
    if (said && TABLE[said]) return said;
    const asked = new URLSearchParams(location.search).get("lang");
    if (asked && TABLE[asked]) return asked;
    for (const tag of navigator.languages || []) {
      const base = tag.slice(0, 2).toLowerCase();
      if (TABLE[base]) return base;
    }
    return "en";
  };
  let lang = pick();

  // The text in `lang`, or null when there is nothing to change. `onButton`:
  // the value is a button's aria-label.
  const translate = (value, onButton) => {
    const text = value.trim();
    if (!text || text.length > 200) return null;
    for (const [pattern, english, slotted, any] of patterns) {
      if (any && !onButton) continue;
      const match = pattern.exec(text);
      if (!match) continue;
      let out = TABLE[lang][english];
      if (slotted) out = out.replace(SLOT, () => match[1]);
      return out === text ? null : value.replace(text, () => out);
    }
    return null;
  };

  // The app's own words live in Markdown containers: leave them alone, except
  // the upload button's, which is Streamlit's.
  const ours = (element) => {
    const markdown = element.closest('[data-testid="stMarkdownContainer"]');
    return !!markdown && !markdown.closest('[data-testid="stFileUploaderDropzone"]');
  };

  const fix = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const parent = node.parentElement;
      if (!parent || /^(SCRIPT|STYLE)$/.test(parent.nodeName) || ours(parent)) return;
      const out = translate(node.data, false);
      if (out !== null) node.data = out;
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const button = node.nodeName === "BUTTON" || node.getAttribute("role") === "button";
      for (const name of ATTRIBUTES) {
        const value = node.getAttribute(name);
        const out = value && translate(value, button && name === "aria-label");
        if (out) node.setAttribute(name, out);
      }
    }
  };

  const walk = (start) => {
    fix(start);
    if (start.nodeType !== Node.ELEMENT_NODE) return;
    const walker = document.createTreeWalker(start, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) fix(walker.currentNode);
  };

  // The colour scheme Streamlit painted (its theme follows the site's palette),
  // for the app's own HTML in view.py: html[data-fc-scheme="dark"|"light"].
  const scheme = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    const [r, g, b] = (getComputedStyle(app).backgroundColor.match(/\d+/g) || [255, 255, 255]).map(Number);
    const want = 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
    if (root.dataset.fcScheme !== want) root.dataset.fcScheme = want;
  };

  // Framed in a lesson page (same origin only): tell the page how tall the app
  // is and which address reproduces it, so the page fits the frame to the app
  // (no scroll area inside the page's scroll) and keeps the profile in its own
  // address and language links.
  const framed = window.parent !== window;
  let reported = "", pending = false;
  const report = () => {
    pending = false;
    scheme();
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!framed || !block) return;
    const scroller = block.closest('[data-testid="stMain"]') || document.scrollingElement;
    const top = block.getBoundingClientRect().top + (scroller ? scroller.scrollTop : 0);
    const message = {
      type: "funnel-coach:app",
      height: Math.ceil(top + block.offsetHeight),
      search: location.search,
    };
    const key = JSON.stringify(message);
    if (key === reported) return;
    reported = key;
    window.parent.postMessage(message, location.origin);
  };
  const soon = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(report);
    }
  };
  if (framed) setInterval(soon, 1000); // an address change alone moves no element
  window.addEventListener("resize", soon);

  // Streamlit says "Connecting" in its toolbar, which the app hides (toolbar
  // mode "minimal"): while the app's connection is down (its process stopped
  // or restarts), this page says it itself, in its language, and takes it
  // back once the connection is open again. The page stays as it was.
  const LOST = "Connection lost. Please wait for the app to reconnect, then try again.";
  let notice = null;
  const connection = (up) => {
    if (up) {
      if (notice) notice.hidden = true;
      return;
    }
    if (!notice) {
      notice = document.createElement("div");
      notice.setAttribute("role", "status");
      notice.dataset.fcConnection = "lost";
      Object.assign(notice.style, {
        position: "fixed", top: "0", left: "0", right: "0", zIndex: "1000100",
        padding: "0.5rem 1rem", background: "#fff3cd", color: "#3d2c00",
        borderBottom: "2px solid #8a6d00", font: "600 1rem/1.4 sans-serif", textAlign: "center",
      });
    }
    notice.textContent = TABLE[lang][LOST];
    notice.hidden = false;
    if (!notice.isConnected) document.body.append(notice);
  };
  let leaving = false; // a reload or another page closes the connection too
  window.addEventListener("beforeunload", () => { leaving = true; });
  window.addEventListener("pagehide", () => { leaving = true; });
  window.addEventListener("pageshow", () => { leaving = false; });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("/_stcore/stream")) return;
      this.addEventListener("open", () => connection(true));
      this.addEventListener("close", () => leaving || connection(false));
    }
  };

  root.lang = lang;
  new MutationObserver((mutations) => {
    soon();
    const now = pick();
    if (root.lang !== now) root.lang = now;
    if (now !== lang) {
      lang = now;
      walk(document.body);
      return;
    }
    for (const mutation of mutations) {
      if (mutation.type === "childList") mutation.addedNodes.forEach(walk);
      else fix(mutation.target);
    }
  }).observe(root, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ATTRIBUTES.concat(["data-fc-lang"]),
  });
})();
