/* The console's only script (CSP: script-src 'self'). Data comes in <script type="application/json">
   blocks written by the server; nothing here decides what a user may see. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Forms and buttons that ask before they act.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  function charts() {
    var d = data("chart-data");
    if (!d || typeof Chart === "undefined") return;
    var percent = { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } };
    function bars(id, series, color) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      new Chart(canvas, {
        type: "bar",
        data: { labels: series.labels, datasets: [{ label: "覆盖率", data: series.values, backgroundColor: color }] },
        options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: percent } }
      });
    }
    bars("chart-areas", d.areas, "#1565c0");
    bars("chart-categories", d.categories, "#00897b");
    var canvas = document.getElementById("chart-progress");
    if (canvas) {
      new Chart(canvas, {
        type: "line",
        data: {
          labels: d.progress.labels,
          datasets: [
            { label: "计划探访（累计）", data: d.progress.planned, borderColor: "#90a4ae", borderDash: [6, 4], pointRadius: 0 },
            { label: "已完成（累计）", data: d.progress.visited, borderColor: "#2e7d32", pointRadius: 2 },
            { label: "已尝试（累计）", data: d.progress.attempted, borderColor: "#ef6c00", pointRadius: 0 }
          ]
        },
        options: { maintainAspectRatio: false, animation: false, spanGaps: false, scales: { y: { beginAtZero: true } } }
      });
    }
  }

  function routeMap() {
    var d = data("map-data");
    var box = document.getElementById("map");
    if (!d || !box || typeof L === "undefined") return;
    var map = L.map(box, { zoomControl: true, attributionControl: Boolean(d.tiles) });
    if (d.tiles) {
      L.tileLayer(d.tiles, { maxZoom: 19, attribution: d.attribution || "" }).addTo(map);
    } else {
      box.classList.add("plain"); // offline: points and lines on a plain background, with a scale
    }
    L.control.scale({ imperial: false }).addTo(map);
    function icon(cls, text) {
      var html = document.createElement("span");
      html.className = "badge " + cls;
      html.textContent = text;
      return L.divIcon({ className: cls === "start" ? "start-marker" : "stop-marker status-" + cls, html: html, iconSize: [26, 26], iconAnchor: [13, 13] });
    }
    var line = [];
    var bounds = [];
    if (d.start) { line.push(d.start); bounds.push(d.start); L.marker(d.start, { icon: icon("start", "起"), keyboard: false }).addTo(map); }
    d.stops.forEach(function (stop) {
      if (!stop.at || stop.kind !== "home") return; // phone calls have no place on the way
      line.push(stop.at);
      bounds.push(stop.at);
      L.marker(stop.at, { icon: icon(stop.status, String(stop.order)), title: stop.order + " " + stop.name })
        .bindPopup(document.createTextNode(stop.order + ". " + stop.name))
        .addTo(map);
    });
    if (d.start && line.length > 1) line.push(d.start);
    if (line.length > 1) L.polyline(line, { color: "#1565c0", weight: 3, opacity: 0.8 }).addTo(map);
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
    else map.setView([30.27, 120.15], 12);
    box.setAttribute("data-ready", "1");
  }

  function ledger() {
    var form = document.getElementById("ledger-form");
    if (!form || !window.fetch || !window.FormData) return;
    var file = document.getElementById("ledger-file");
    var confirm = document.getElementById("ledger-confirm");
    var output = document.getElementById("ledger-output");
    confirm.disabled = true; // until this very file has passed the check
    file.addEventListener("change", function () { confirm.disabled = true; output.textContent = ""; });
    form.addEventListener("submit", function (event) {
      if (event.submitter === confirm) return; // a plain submit: the import checks the file again
      event.preventDefault();
      if (!file.files.length) return;
      output.textContent = "检查中……";
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Fragment": "1" }, credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var result = doc.getElementById("ledger-result") || doc.querySelector("main") || doc.body;
          output.replaceChildren(document.importNode(result, true));
          confirm.disabled = !(result.getAttribute && result.getAttribute("data-ok") === "1");
        })
        .catch(function () { output.textContent = "检查失败，请重试"; });
    });
  }

  charts();
  routeMap();
  ledger();
})();
