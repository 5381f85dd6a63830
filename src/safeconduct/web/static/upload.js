// Resumable uploads for the contact page when JavaScript is on (tus 1.0 over fetch).
// Without JavaScript the plain form posts the file; with it, a dropped connection resumes where it stopped.
(function () {
  "use strict";
  var CHUNK = 8 * 1024 * 1024;
  var form = document.querySelector("form.upload[data-tus]");
  if (!form || !window.fetch || !window.File) { return; }
  var endpoint = form.getAttribute("data-tus");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var progress = form.querySelector(".progress");

  function b64(text) { return btoa(unescape(encodeURIComponent(text))); }
  function headers(extra) {
    var h = { "Tus-Resumable": "1.0.0", "X-CSRF-Token": csrf };
    for (var k in extra) { h[k] = extra[k]; }
    return h;
  }
  function show(text) { progress.hidden = false; progress.textContent = text; }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  async function offsetOf(url) {
    var r = await fetch(url, { method: "HEAD", headers: headers({}), credentials: "same-origin" });
    if (!r.ok) { throw new Error("status " + r.status); }
    return parseInt(r.headers.get("Upload-Offset"), 10);
  }

  async function send(file) {
    var created = await fetch(endpoint, { method: "POST", credentials: "same-origin", headers: headers({
      "Upload-Length": String(file.size),
      "Upload-Metadata": "filename " + b64(file.name) + ",filetype " + b64(file.type || "application/octet-stream")
    }) });
    if (created.status === 413) { throw new Error("too-large"); }
    if (created.status !== 201) { throw new Error("status " + created.status); }
    var url = created.headers.get("Location");
    var offset = 0, failures = 0;
    while (offset < file.size) {
      try {
        var r = await fetch(url, { method: "PATCH", credentials: "same-origin", body: file.slice(offset, offset + CHUNK),
          headers: headers({ "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) }) });
        if (r.status !== 204) { throw new Error("status " + r.status); }
        offset = parseInt(r.headers.get("Upload-Offset"), 10);
        failures = 0;
        show(form.getAttribute("data-progress-label") ? form.getAttribute("data-progress-label") + " " : "" );
        show(Math.floor(100 * offset / Math.max(file.size, 1)) + " %");
      } catch (err) {
        failures += 1;
        if (failures > 30) { throw err; }
        show("… " + Math.floor(100 * offset / Math.max(file.size, 1)) + " %");
        await wait(Math.min(30000, 1000 * failures));
        try { offset = await offsetOf(url); } catch (e) { /* still offline: retry */ }
      }
    }
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input.files || !input.files.length) { return; }
    event.preventDefault();
    send(input.files[0]).then(function () {
      window.location.href = "/contact/conversation?uploaded=1#files";
    }).catch(function () { form.submit(); });
  });
})();
