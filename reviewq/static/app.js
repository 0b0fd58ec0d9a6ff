/* reviewq: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // X counts a link as 23 and wide characters (emoji, CJK) as 2; this mirrors the
  // server's check roughly so authors see the budget while typing.
  var URL_RE = /\bhttps?:\/\/[^\s]+|\b(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|int|io|co|us|uk|health|info)(?:\/[^\s]*)?/gi;

  function isLight(cp) {
    return (cp <= 0x10ff) || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) ||
      (cp >= 0x2032 && cp <= 0x2037);
  }
  function isJoiner(cp) {
    return cp === 0x200d || cp === 0xfe0e || cp === 0xfe0f || cp === 0x20e3 ||
      (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);
  }
  function xLength(text) {
    var total = 0;
    var rest = text.replace(URL_RE, function () { total += 23; return ""; });
    var prevHeavy = false;
    for (var ch of rest) {
      var cp = ch.codePointAt(0);
      if (isJoiner(cp)) { if (cp === 0x200d) { prevHeavy = "join"; } continue; }
      if (prevHeavy === "join" && !isLight(cp)) { prevHeavy = true; continue; }
      if (isLight(cp)) { total += 1; prevHeavy = false; } else { total += 2; prevHeavy = true; }
    }
    return total;
  }
  function plainLength(text) { return Array.from(text).length; }

  function setupCounts() {
    var body = document.getElementById("body");
    var box = document.getElementById("counts");
    if (!body || !box) { return; }
    var limits = JSON.parse(box.getAttribute("data-limits") || "{}");
    var checks = document.querySelectorAll('input[name="channels"]');
    function update() {
      var text = body.value;
      var chosen = {};
      checks.forEach(function (c) { if (c.checked) { chosen[c.value] = true; } });
      box.querySelectorAll(".count").forEach(function (li) {
        var ch = li.getAttribute("data-channel");
        li.hidden = !chosen[ch];
        var n = ch === "x" ? xLength(text) : text.length;
        li.querySelector(".count-num").textContent = n;
        var over = limits[ch] !== undefined && n > limits[ch];
        li.classList.toggle("over", over);
        li.setAttribute("aria-label", li.querySelector(".count-name").textContent + ": " + n +
          (limits[ch] !== undefined ? " of " + limits[ch] : "") + (over ? ", over the limit" : ""));
      });
    }
    body.addEventListener("input", update);
    checks.forEach(function (c) { c.addEventListener("change", update); });
    update();
  }

  // "Add another file": clone the last upload row with the next index. Without JS the
  // server renders a few empty rows, which is enough.
  function setupUploads() {
    var box = document.getElementById("attachments");
    var btn = box && box.querySelector("[data-add-upload]");
    if (!btn) { return; }
    var rows = box.querySelectorAll("[data-upload-row]");
    var max = 10;
    // Hide empty rows after the first so the form starts compact.
    for (var i = 1; i < rows.length; i++) {
      var file = rows[i].querySelector('input[type="file"]');
      var alt = rows[i].querySelector("textarea");
      if (!file.value && !alt.value) { rows[i].hidden = true; }
    }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var hidden = box.querySelector("[data-upload-row][hidden]");
      if (hidden) { hidden.hidden = false; hidden.querySelector("input").focus(); return; }
      var all = box.querySelectorAll("[data-upload-row]");
      if (all.length >= max) { btn.hidden = true; return; }
      var last = all[all.length - 1];
      var n = all.length;
      var clone = last.cloneNode(true);
      clone.querySelectorAll("input, textarea, label").forEach(function (el) {
        ["id", "name", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(/attachments-\d+-/, "attachments-" + n + "-")); }
        });
        if (el.tagName === "LABEL") { el.textContent = el.textContent.replace(/\d+$/, String(n + 1)); }
        if (el.tagName !== "LABEL") { el.value = ""; }
      });
      last.parentNode.insertBefore(clone, last.nextSibling);
      clone.querySelector("input").focus();
      if (n + 1 >= max) { btn.hidden = true; }
    });
  }

  // The phone menu is a checkbox (it works without JS); Space toggles it natively. Enter does
  // too here, as people expect of a menu button, and Escape closes it and returns focus.
  function setupMenu() {
    var toggle = document.getElementById("nav-toggle");
    if (!toggle) { return; }
    toggle.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); toggle.click(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && toggle.checked) { toggle.checked = false; toggle.focus(); }
    });
  }

  // A refused form starts at its error summary, so screen readers and keyboards land on the list
  // of links to the fields that need attention.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setupMenu();
    setupCounts();
    setupUploads();
  });
})();
