/* Funnel Coach: the knowledge checks at the end of each lesson, and the
 * learner's progress.
 * - Checks one answer at a time: right or wrong, the why of the choice picked
 *   (and of the right answer when it was wrong) and a link to the section that
 *   teaches it, in a live region a screen reader announces.
 * - Progress lives in this browser's localStorage only, nothing is sent: a
 *   lesson is read once its knowledge check has scrolled into view, a check is
 *   passed once every one of its questions was answered right.
 * - Shows the progress in the home page's block (with a reset button) and as a
 *   mark beside each lesson in the navigation.
 * The words come from the page (data attributes the build writes from
 * course/ui.toml), so this file holds no language. */
(function () {
  "use strict";
  var KEY = "funnel-coach.course.v1";
  var memory = null; // when localStorage is not available (private mode, policy)

  function empty() { return { read: [], passed: [] }; }

  function load() {
    try {
      var raw = window.localStorage.getItem(KEY);
      if (raw === null) return memory || empty();
      var data = JSON.parse(raw);
      return {
        read: Array.isArray(data.read) ? data.read : [],
        passed: Array.isArray(data.passed) ? data.passed : []
      };
    } catch (error) {
      return memory || empty();
    }
  }

  function save(data) {
    memory = data;
    try { window.localStorage.setItem(KEY, JSON.stringify(data)); } catch (error) { /* kept in memory */ }
  }

  function clear() {
    memory = null;
    try { window.localStorage.removeItem(KEY); } catch (error) { /* nothing stored */ }
  }

  function add(kind, lesson) {
    var data = load();
    if (data[kind].indexOf(lesson) >= 0) return;
    data[kind].push(lesson);
    if (kind === "passed" && data.read.indexOf(lesson) < 0) data.read.push(lesson);
    save(data);
    show();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function paragraph(parent, text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    parent.appendChild(p);
    return p;
  }

  // --- The knowledge check -----------------------------------------------------

  function answer(check, item, results) {
    var feedback = item.querySelector(".fc-question__feedback");
    var chosen = item.querySelector("input[type=radio]:checked");
    feedback.textContent = "";
    item.classList.remove("fc-question--right", "fc-question--wrong");
    if (!chosen) {
      paragraph(feedback, check.getAttribute("data-choose-first"));
      return;
    }
    var right = Number(item.getAttribute("data-answer"));
    var ok = Number(chosen.value) === right;
    var inputs = item.querySelectorAll("input[type=radio]");
    item.classList.add(ok ? "fc-question--right" : "fc-question--wrong");
    var verdict = paragraph(feedback, "", "fc-feedback__why");
    var strong = document.createElement("strong");
    strong.textContent = check.getAttribute(ok ? "data-correct" : "data-incorrect");
    verdict.appendChild(strong);
    verdict.appendChild(document.createTextNode(" " + chosen.getAttribute("data-why")));
    if (!ok) {
      var correct = inputs[right];
      var label = correct.parentNode.textContent.trim();
      paragraph(
        feedback,
        fill(check.getAttribute("data-right-answer"), { answer: label }) + " " +
          correct.getAttribute("data-why"),
        "fc-feedback__right"
      );
    }
    var more = document.createElement("p");
    more.className = "fc-feedback__more";
    var link = document.createElement("a");
    link.href = "#" + item.getAttribute("data-section");
    link.textContent = item.getAttribute("data-read-more");
    more.appendChild(link);
    feedback.appendChild(more);
    results[item.getAttribute("data-question")] = ok;
    status(check, results);
  }

  function status(check, results) {
    var items = check.querySelectorAll("[data-question]");
    var right = 0;
    items.forEach(function (item) { if (results[item.getAttribute("data-question")]) right += 1; });
    var line = check.querySelector(".fc-check__status");
    if (right === items.length) {
      line.textContent = check.getAttribute("data-passed");
      check.classList.add("fc-check--passed");
      add("passed", check.getAttribute("data-lesson"));
    } else {
      line.textContent = fill(check.getAttribute("data-score"), { right: right, total: items.length });
    }
  }

  function setUpCheck(check) {
    if (check.hasAttribute("data-ready")) return;
    check.setAttribute("data-ready", "");
    var results = {};
    var lesson = check.getAttribute("data-lesson");
    check.querySelectorAll("[data-question]").forEach(function (item) {
      var button = item.querySelector(".fc-question__submit");
      button.addEventListener("click", function () { answer(check, item, results); });
      // A new choice clears the old verdict, so what is shown is always about
      // the choice on screen.
      item.querySelectorAll("input[type=radio]").forEach(function (input) {
        input.addEventListener("change", function () {
          item.classList.remove("fc-question--right", "fc-question--wrong");
          item.querySelector(".fc-question__feedback").textContent = "";
        });
      });
    });
    if (load().passed.indexOf(lesson) >= 0) {
      check.classList.add("fc-check--passed");
      check.querySelector(".fc-check__status").textContent = check.getAttribute("data-passed");
    }
    // Read: the learner reached the end of the lesson, where the check is.
    if (!("IntersectionObserver" in window)) { add("read", lesson); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      observer.disconnect();
      add("read", lesson);
    });
    observer.observe(check);
  }

  // --- Progress: the home page's block and the navigation marks ---------------

  function lessons() {
    var course = document.querySelector("[data-course]");
    return course ? course.getAttribute("data-lessons").split(" ") : [];
  }

  function lessonOf(link) {
    var href = link.getAttribute("href");
    if (!href || href.indexOf("#") >= 0) return null; // in-page table of contents
    var parts = new URL(href, window.location.href).pathname.split("/").filter(Boolean);
    var last = parts[parts.length - 1];
    return lessons().indexOf(last) >= 0 ? last : null;
  }

  function marks(data) {
    var course = document.querySelector("[data-course]");
    if (!course) return;
    document.querySelectorAll(".md-nav__link[href]").forEach(function (link) {
      var lesson = lessonOf(link);
      if (!lesson) return;
      var old = link.querySelector(".fc-nav-mark");
      if (old) old.remove();
      var passed = data.passed.indexOf(lesson) >= 0;
      if (!passed && data.read.indexOf(lesson) < 0) return;
      var mark = document.createElement("span");
      mark.className = "fc-nav-mark" + (passed ? " fc-nav-mark--passed" : "");
      var icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = passed ? "\u2714" : "\u2713";
      var text = document.createElement("span");
      text.className = "fc-visually-hidden";
      text.textContent = " (" + course.getAttribute(passed ? "data-label-passed" : "data-label-read") + ")";
      mark.appendChild(icon);
      mark.appendChild(text);
      link.appendChild(mark);
    });
  }

  function block(data) {
    var box = document.querySelector("[data-course-progress]");
    if (!box) return;
    box.hidden = false;
    var all = lessons();
    var read = all.filter(function (l) { return data.read.indexOf(l) >= 0; }).length;
    var passed = all.filter(function (l) { return data.passed.indexOf(l) >= 0; }).length;
    box.querySelector('[data-count="read"]').textContent =
      fill(box.getAttribute("data-label-lessons-read"), { n: read, total: all.length });
    box.querySelector('[data-count="passed"]').textContent =
      fill(box.getAttribute("data-label-checks-passed"), { n: passed, total: all.length });
    box.querySelectorAll("li[data-lesson]").forEach(function (item) {
      var lesson = item.getAttribute("data-lesson");
      var state = data.passed.indexOf(lesson) >= 0 ? "passed"
        : data.read.indexOf(lesson) >= 0 ? "read" : "new";
      item.setAttribute("data-state", state);
      item.querySelector("[data-status]").textContent = box.getAttribute("data-label-" + state);
    });
  }

  function show() {
    var data = load();
    marks(data);
    block(data);
  }

  function setUpBlock() {
    var box = document.querySelector("[data-course-progress]");
    if (!box || box.hasAttribute("data-ready")) return;
    box.setAttribute("data-ready", "");
    var message = box.querySelector(".fc-progress__message");
    box.querySelector("[data-reset]").addEventListener("click", function () {
      clear();
      show();
      message.textContent = "";
      // A fresh text node after a tick, so the live region announces it again.
      window.setTimeout(function () { message.textContent = box.getAttribute("data-label-reset-done"); }, 50);
    });
  }

  function init() {
    document.querySelectorAll("[data-knowledge-check]").forEach(setUpCheck);
    setUpBlock();
    show();
  }

  // Another tab's progress (a lesson read there) shows here too.
  window.addEventListener("storage", function (event) { if (event.key === KEY || event.key === null) show(); });
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init, { once: true });
  else init();
})();
