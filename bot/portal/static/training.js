/*
 * The live progress bar on a model's page (/admin/model/<id>) while it trains.
 *
 * It asks the page's status endpoint (data-status-url, JSON) every two seconds
 * and updates the <progress>, the stage list and the detail line in place. Only
 * the sentence that names the stage is a polite live region, and it changes
 * when the stage does, so a screen reader hears each step once, not every
 * percent. When the training ends the sentence says how, and the "Uppdatera"
 * link becomes "Visa resultatet" (the page is never reloaded under the reader).
 * Every text comes from the server, in Swedish. Without JavaScript the page
 * shows the same state and the link. No inline scripts (CSP).
 */
(function () {
  "use strict";

  var INTERVAL = 2000;
  var section = document.getElementById("training-progress");
  var url = section && section.getAttribute("data-status-url");
  if (!url || !window.fetch) return;

  var bar = document.getElementById("progress-bar");
  var sentence = document.getElementById("progress-sentence");
  var percent = document.getElementById("progress-percent");
  var detail = document.getElementById("progress-detail");
  var refresh = document.getElementById("progress-refresh");

  function setText(element, text) {
    if (element && element.textContent !== text) element.textContent = text;
  }

  function show(status) {
    if (bar) {
      bar.value = status.percent;
      setText(bar, status.percent + " %");
    }
    setText(percent, status.percent_text);
    setText(detail, status.detail);
    status.steps.forEach(function (step) {
      var item = section.querySelector('[data-stage="' + step.stage + '"]');
      if (!item) return;
      item.className = "stage stage--" + step.state;
      setText(item.querySelector(".stage__state"), "(" + step.state_label + ")");
    });
    setText(sentence, status.sentence);
    if (status.finished) setText(refresh, "Visa resultatet");
  }

  function poll() {
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.status >= 400 && response.status < 500) return null; // logged out or gone: the link stays
        if (!response.ok) throw new Error(String(response.status));
        return response.json().then(function (status) {
          show(status);
          if (!status.finished) window.setTimeout(poll, INTERVAL);
        });
      })
      .catch(function () { window.setTimeout(poll, INTERVAL * 5); }); // the portal restarting: try again later
  }

  window.setTimeout(poll, INTERVAL);
})();
