// Previews per network beside the editor: the cards are drawn by the server (POST /drafts/preview, the same
// template as the page), so where the text is cut and folded is computed once, in reviewq/previews. This
// file only sends the text, the channels and the images chosen in this page (as object URLs, never uploaded
// here) after a pause in typing, and swaps the cards in. Without it the page shows the cards as last sent.
(function () {
  "use strict";
  var box = document.getElementById("previews");
  var body = document.getElementById("body");
  var form = document.getElementById("draft-form");
  if (!box || !body || !form || !box.getAttribute("data-preview-url")) { return; }
  var cards = document.getElementById("preview-cards");
  var existing = JSON.parse(box.getAttribute("data-images") || "[]");
  var objectUrls = new Map();
  var timer = null, seq = 0;

  function channels() {
    return Array.prototype.map.call(form.querySelectorAll('input[name="channels"]:checked'),
      function (el) { return el.value; });
  }
  function urlFor(file) {
    if (!objectUrls.has(file)) { objectUrls.set(file, URL.createObjectURL(file)); }
    return objectUrls.get(file);
  }
  function images() {
    var out = [];
    existing.forEach(function (img) {
      var removed = form.querySelector('input[name="remove-' + img.id + '"]');
      if (removed && removed.checked) { return; }
      var alt = document.getElementById("alt-" + img.id);
      out.push({ src: img.src, alt: alt ? alt.value : img.alt });
    });
    form.querySelectorAll("[data-upload-row]").forEach(function (row) {
      var input = row.querySelector('input[type="file"]');
      var file = input && input.files && input.files[0];
      if (!file || file.type.indexOf("image/") !== 0) { return; }
      var alt = row.querySelector("textarea");
      out.push({ src: urlFor(file), alt: alt ? alt.value : "" });
    });
    return out;
  }
  function run() {
    var mine = ++seq;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", box.getAttribute("data-preview-url"));
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-CSRFToken", box.getAttribute("data-csrf"));
    xhr.onload = function () {
      if (mine !== seq || xhr.status !== 200) { return; }
      // Keep open "see more" panels open across redraws.
      var open = Array.prototype.map.call(cards.querySelectorAll("details[open]"),
        function (d) { return d.closest("[data-channel]").getAttribute("data-channel"); });
      cards.innerHTML = xhr.responseText;
      open.forEach(function (ch) {
        var d = cards.querySelector('[data-channel="' + ch + '"] details');
        if (d) { d.open = true; }
      });
      box.setAttribute("data-updated", String(mine));
    };
    xhr.send(JSON.stringify({ text: body.value, channels: channels(), images: images() }));
  }
  function later() { clearTimeout(timer); timer = setTimeout(run, 300); }
  body.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("input", function (ev) { if (ev.target.tagName === "TEXTAREA" && ev.target !== body) { later(); } });
  // No request on load: the server drew the cards for the page as it was sent.
})();
