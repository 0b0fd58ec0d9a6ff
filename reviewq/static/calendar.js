// Release calendar: drag a scheduled post to another day to reschedule it, and show
// times in the viewer's own zone when it differs from the organisation's.
// No inline script anywhere (CSP script-src 'self'); without JS the page still works.
(function () {
  "use strict";

  function showViewerTimes() {
    var box = document.getElementById("cal-tz");
    var viewerTz;
    try { viewerTz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    var orgTz = box ? box.getAttribute("data-org-tz") : null;
    if (!viewerTz || !orgTz || viewerTz === orgTz) { return; }
    var fmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone: viewerTz });
    document.querySelectorAll("time.rq-dual").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) { return; }
      var span = document.createElement("span");
      span.className = "viewer-time";
      span.textContent = " (" + fmt.format(d) + " your time)";
      el.after(span);
    });
    var note = box.querySelector(".viewer-tz");
    if (note) { note.textContent = " Your time zone (" + viewerTz + ") shown in brackets."; }
  }

  function message(text) {
    var box = document.getElementById("cal-message");
    if (!box) { window.alert(text); return; }
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function move(entry, day) {
    var body = new URLSearchParams();
    body.set("csrf_token", document.getElementById("cal-csrf").value);
    body.set("date", day);
    body.set("time", entry.getAttribute("data-time"));
    return fetch(entry.getAttribute("data-move-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": document.getElementById("cal-csrf").value }
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }

  function enableDrag() {
    var dragged = null;
    document.querySelectorAll(".cal-entry[draggable=true]").forEach(function (el) {
      el.addEventListener("dragstart", function (ev) {
        dragged = el;
        ev.dataTransfer.effectAllowed = "move";
        ev.dataTransfer.setData("text/plain", el.getAttribute("data-draft-id"));
      });
    });
    document.querySelectorAll(".cal-day[data-date]").forEach(function (cell) {
      cell.addEventListener("dragover", function (ev) { if (dragged) { ev.preventDefault(); cell.classList.add("drop"); } });
      cell.addEventListener("dragleave", function () { cell.classList.remove("drop"); });
      cell.addEventListener("drop", function (ev) {
        ev.preventDefault();
        cell.classList.remove("drop");
        if (!dragged) { return; }
        var entry = dragged;
        dragged = null;
        move(entry, cell.getAttribute("data-date")).then(function (res) {
          if (!res.ok) { message(res.data.error || "The post could not be moved."); return; }
          if (res.data.warnings && res.data.warnings.length) { window.alert(res.data.warnings.join("\n")); }
          window.location.reload();
        }).catch(function () { message("The post could not be moved: no answer from the server."); });
      });
    });
  }

  function smallScreenAgenda() {
    // Phones get the agenda by default; an explicit ?view= is respected.
    if (window.matchMedia("(max-width: 640px)").matches && !/[?&]view=/.test(window.location.search)
        && document.querySelector(".cal-grid")) {
      var url = new URL(window.location.href);
      url.searchParams.set("view", "agenda");
      window.location.replace(url.toString());
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    smallScreenAgenda();
    showViewerTimes();
    enableDrag();
  });
})();
