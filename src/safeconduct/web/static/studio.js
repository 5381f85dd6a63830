// Live progress of a testimony job: polls the page's own JSON view (same origin, the console's cookie)
// and moves the bars; once the job leaves "queued"/"running" the page reloads to show what comes next.
// Without JavaScript the page refreshes itself instead (a <meta> refresh inside <noscript>).
(function () {
  "use strict";
  var section = document.getElementById("progress");
  var list = document.getElementById("stages");
  if (!section || !list || !section.dataset.poll) return;
  var url = section.dataset.poll;
  var state = document.getElementById("studio-state");
  var note = document.getElementById("studio-refresh");
  if (note) note.hidden = true;

  function update(data) {
    if (data.state !== "queued" && data.state !== "running") {
      window.location.reload();
      return false;
    }
    data.stages.forEach(function (s) {
      var item = list.querySelector('[data-stage="' + s.stage + '"]');
      if (!item) return;
      var value = s.status === "done" ? 1 : (s.status === "running" ? data.progress : 0);
      item.className = "stage stage-" + s.status;
      var status = item.querySelector(".stage-status");
      status.dataset.status = s.status;
      status.textContent = (list.dataset["label" + s.status.charAt(0).toUpperCase() + s.status.slice(1)] || s.status) +
        (s.status === "running" ? " " + Math.round(data.progress * 100) + "%" : "");
      var bar = item.querySelector("progress");
      bar.value = value;
      bar.textContent = Math.round(value * 100) + "%";
    });
    if (state && state.dataset.state !== data.state) {
      state.dataset.state = data.state;
      state.textContent = section.dataset["state" + data.state.charAt(0).toUpperCase() + data.state.slice(1)] || data.state;
    }
    return true;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data === null || update(data)) window.setTimeout(poll, 2500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
