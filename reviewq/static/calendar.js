// Release calendar: drag a scheduled post to another day (or, in the week view, hour) to
// reschedule it, or an approved one from the tray to schedule it; Undo in the toast that follows
// puts it back (same server operations). Times in the viewer's own zone when it differs.
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

  function post(url, fields) {
    var token = document.getElementById("cal-csrf").value;
    var body = new URLSearchParams();
    body.set("csrf_token", token);
    Object.keys(fields).forEach(function (k) { body.set(k, fields[k]); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }

  // What the page shows after a reload: the toast (with Undo right after a drag) survives it here.
  var TOAST_KEY = "reviewq.calendar.toast";

  function remember(toast) {
    try { window.sessionStorage.setItem(TOAST_KEY, JSON.stringify(toast)); } catch (e) { /* private mode */ }
  }

  function showToast() {
    var raw = null;
    try { raw = window.sessionStorage.getItem(TOAST_KEY); window.sessionStorage.removeItem(TOAST_KEY); } catch (e) { return; }
    var box = document.getElementById("cal-toast");
    if (!raw || !box) { return; }
    var toast = JSON.parse(raw);
    box.querySelector(".cal-toast-text").textContent = toast.text;
    var button = box.querySelector(".cal-undo");
    button.hidden = !toast.undo;
    box.hidden = false;
    if (!toast.undo) { window.setTimeout(function () { box.hidden = true; }, 8000); return; }
    button.addEventListener("click", function () {
      button.disabled = true;
      post(toast.undo.url, { release_at: toast.undo.release_at }).then(function (res) {
        if (!res.ok) { button.disabled = false; message(res.data.error || "The move could not be undone."); return; }
        remember({ text: toast.undo.release_at ? "Moved back to where it was." : "Back in “Approved, not scheduled”." });
        window.location.reload();
      }).catch(function () { button.disabled = false; message("The move could not be undone: no answer from the server."); });
    });
  }

  function drop(item, date, hour) {
    var time = item.getAttribute("data-time") || "09:00";
    if (hour) { time = hour + ":" + time.split(":")[1]; }
    post(item.getAttribute("data-move-url"), { date: date, time: time }).then(function (res) {
      if (!res.ok) { message(res.data.error || "The post could not be moved."); return; }
      var text = "#" + item.getAttribute("data-draft-id") + " scheduled for " + res.data.local + ".";
      if (res.data.warnings && res.data.warnings.length) { text += " " + res.data.warnings.join(" "); }
      remember({ text: text, undo: res.data.undo });
      window.location.reload();
    }).catch(function () { message("The post could not be moved: no answer from the server."); });
  }

  function enableDrag() {
    var dragged = null;
    if (document.querySelector(".cal-freeze")) { return; }  // frozen: the server would refuse every drop
    document.querySelectorAll(".cal-entry[draggable=true], .cal-tray-item[draggable=true]").forEach(function (el) {
      el.addEventListener("dragstart", function (ev) {
        dragged = el;
        ev.stopPropagation();
        ev.dataTransfer.effectAllowed = "move";
        ev.dataTransfer.setData("text/plain", el.getAttribute("data-draft-id"));
      });
      el.addEventListener("dragend", function () { dragged = null; });
    });
    // Week view: hour slots take the drop (that hour); month view: the day (the post's own time of day).
    document.querySelectorAll(".cal-slot[data-hour], .cal-grid:not(.cal-week) .cal-day[data-date], .cal-agenda .cal-day[data-date]").forEach(function (cell) {
      cell.addEventListener("dragover", function (ev) { if (dragged) { ev.preventDefault(); cell.classList.add("drop"); } });
      cell.addEventListener("dragleave", function () { cell.classList.remove("drop"); });
      cell.addEventListener("drop", function (ev) {
        ev.preventDefault();
        ev.stopPropagation();
        cell.classList.remove("drop");
        if (!dragged) { return; }
        var item = dragged;
        dragged = null;
        drop(item, cell.getAttribute("data-date"), cell.getAttribute("data-hour"));
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
    showToast();
  });
})();
