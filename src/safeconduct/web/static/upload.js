// Resumable file upload for the contact page when JavaScript is on (tus 1.0 over fetch, no library).
// Without JavaScript the plain form posts the file. With it, the file goes in pieces: a dropped
// connection costs only the piece in flight, and sending again resumes where the server stopped.
(function () {
  "use strict";
  var CHUNK = 2 * 1024 * 1024;
  var RETRIES = 30;
  var form = document.querySelector("form.upload[data-tus]");
  if (!form || !window.fetch || !window.Promise || !window.Blob || !Blob.prototype.slice) { return; }
  var endpoint = form.getAttribute("data-tus");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var input = form.querySelector("input[type=file]");
  var button = form.querySelector("button[type=submit]");
  var box = form.querySelector(".progress");
  var bar = box.querySelector("progress");
  var status = box.querySelector("[role=status]");
  var started = {};  // file identity -> upload URL, so that sending the same file again resumes it

  function label(name) { return form.getAttribute("data-" + name) || ""; }
  function b64(text) { return btoa(unescape(encodeURIComponent(text))); }
  function wait(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }
  function mb(n) { return (n / 1048576).toFixed(1); }

  function show(text, offset, size) {
    box.hidden = false;
    if (typeof offset === "number") {
      var percent = size ? Math.floor(100 * offset / size) : 100;
      bar.value = percent;
      text += " " + percent + " % (" + mb(offset) + " / " + mb(size) + " MB)";
    }
    status.textContent = text;
  }

  function request(method, url, extra, body) {
    var headers = { "Tus-Resumable": "1.0.0", "X-CSRF-Token": csrf };
    for (var name in extra) { headers[name] = extra[name]; }
    return fetch(url, { method: method, headers: headers, body: body, credentials: "same-origin" });
  }

  async function create(file) {
    var r = await request("POST", endpoint, {
      "Upload-Length": String(file.size),
      "Upload-Metadata": "filename " + b64(file.name) + ",filetype " + b64(file.type || "application/octet-stream")
    });
    if (r.status === 413) { throw new Error("too-large"); }
    if (r.status !== 201) { throw new Error("refused"); }
    return r.headers.get("Location");
  }

  async function offsetOf(url) {
    var r = await request("HEAD", url, {});
    if (!r.ok) { throw new Error("status " + r.status); }
    return parseInt(r.headers.get("Upload-Offset"), 10);
  }

  async function send(file) {
    var key = [file.name, file.size, file.lastModified].join("/");
    var url = started[key];
    var offset = 0;
    if (url) {
      try { offset = await offsetOf(url); } catch (e) { url = null; }
    }
    if (!url) { url = started[key] = await create(file); }
    var failures = 0;
    show(label("sending"), offset, file.size);
    while (offset < file.size) {
      try {
        var r = await request("PATCH", url, {
          "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset)
        }, file.slice(offset, offset + CHUNK));
        if (r.status !== 204) { throw new Error("status " + r.status); }
        offset = parseInt(r.headers.get("Upload-Offset"), 10);
        failures = 0;
        show(label("sending"), offset, file.size);
      } catch (err) {
        failures += 1;
        if (failures > RETRIES) { throw err; }
        show(label("retrying"), offset, file.size);
        await wait(Math.min(30000, 1000 * failures));
        try { offset = await offsetOf(url); } catch (e) { /* still offline: try again */ }
      }
    }
    delete started[key];
  }

  form.addEventListener("submit", function (event) {
    if (!input.files || !input.files.length) { return; }
    event.preventDefault();
    button.disabled = true;
    send(input.files[0]).then(function () {
      show(label("done"), 1, 1);
      window.location.assign("/contact/conversation?uploaded=1#files");
    }).catch(function (err) {
      button.disabled = false;
      if (err.message === "too-large") { show(label("too-large")); return; }
      if (err.message === "refused") { form.submit(); return; }  // let the plain form try, and say why
      show(label("failed"));
    });
  });
})();
