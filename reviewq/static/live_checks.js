// Live checks on the draft editor: debounced POST of the text to /drafts/check (session + CSRF header),
// findings listed beside the editor and announced politely. Justifications typed here are keyed by
// check+category+matched text (live_key), so they stay with a finding while it still applies; they are
// posted as justification-<key> fields, matched to the server's keys on submit. Nothing is dropped: a
// justification whose finding went away stays in memory and returns if the finding does.
(function () {
  "use strict";
  var box = document.getElementById("live-checks");
  var body = document.getElementById("body");
  var form = document.getElementById("draft-form");
  if (!box || !body || !form) { return; }
  var list = document.getElementById("live-findings");
  var status = document.getElementById("live-status");
  var typed = {};
  var timer = null, seq = 0;
  box.hidden = false;

  function channels() {
    return Array.prototype.map.call(form.querySelectorAll('input[name="channels"]:checked'),
      function (el) { return el.value; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }
  function render(findings) {
    list.textContent = "";
    findings.forEach(function (f, i) {
      var li = el("li", "finding sev-" + f.severity);
      li.setAttribute("data-live-key", f.live_key);
      var head = el("div", "finding-head");
      head.appendChild(el("span", "sev-badge sev-" + f.severity,
        f.severity === "block" ? "Must fix" : (f.severity === "warn" ? "Needs justification" : "Note")));
      head.appendChild(el("span", "finding-check", " " + f.check + " · " + f.category));
      li.appendChild(head);
      if (f.text) { var q = el("p", "finding-quote"); q.appendChild(el("mark", "live-sev-" + f.severity, f.text)); li.appendChild(q); }
      li.appendChild(el("p", "finding-message", f.message));
      // A justification box the page already shows for this finding (after a refused submit) is the one
      // that is posted; a second field of the same name would be ignored, so none is added here.
      var shown = Array.prototype.some.call(document.getElementsByName("justification-" + f.key),
        function (other) { return !box.contains(other); });
      if (f.severity === "warn" && shown) {
        li.appendChild(el("p", "finding-message", "Its justification box is already on this page, with the findings of your last attempt."));
      } else if (f.severity === "warn") {
        var id = "live-just-" + i;
        var lab = el("label", null, "Your justification (every approver sees it)");
        lab.setAttribute("for", id);
        var ta = el("textarea", "input");
        ta.id = id; ta.rows = 2; ta.maxLength = 2000;
        ta.name = "justification-" + f.key;
        ta.value = typed[f.live_key] || "";
        ta.addEventListener("input", function () { typed[f.live_key] = ta.value; });
        li.appendChild(lab); li.appendChild(ta);
      }
      list.appendChild(li);
    });
    var blocks = findings.filter(function (f) { return f.severity === "block"; }).length;
    var warns = findings.filter(function (f) { return f.severity === "warn"; }).length;
    status.textContent = findings.length === 0 ? "No problems found so far." :
      blocks + " to fix, " + warns + " to justify, " + (findings.length - blocks - warns) + " notes.";
  }
  function run() {
    var mine = ++seq;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", box.getAttribute("data-live-url"));
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-CSRFToken", box.getAttribute("data-csrf"));
    xhr.onload = function () {
      if (mine !== seq) { return; }
      if (xhr.status !== 200) { status.textContent = "Live checks are unavailable; submitting still checks."; return; }
      render(JSON.parse(xhr.responseText).findings || []);
    };
    xhr.send(JSON.stringify({ text: body.value, channels: channels() }));
  }
  function later() { clearTimeout(timer); timer = setTimeout(run, 400); }
  body.addEventListener("input", later);
  form.addEventListener("change", function (ev) { if (ev.target.name === "channels") { later(); } });
  if (body.value) { run(); }
})();
