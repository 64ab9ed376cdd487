// The data explorer (/results/explore/): its line chart over the years and bar chart of one year, read
// from <script type="application/json" id="explore-data"> (no inline code: the CSP forbids it). The page
// works without this script: the form is a plain GET form and the table holds every figure.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "vi";

  // A new level has other units, indices and years: start its selection afresh.
  var form = document.getElementById("explore-form");
  var level = document.getElementById("x-level");
  if (form && level) {
    level.addEventListener("change", function () {
      window.location.assign(form.getAttribute("action") + "?level=" + encodeURIComponent(level.value));
    });
  }

  // The API's address in full, ready to copy.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-absolute]"), function (link) {
    var code = link.querySelector("code");
    if (code) { code.textContent = new URL(link.getAttribute("href"), window.location.href).href; }
  });

  var source = document.getElementById("explore-data");
  if (typeof Chart === "undefined" || !source) { return; }
  var data = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  // Colour-blind-safe first (Okabe–Ito), then more, each dark enough on white.
  var palette = ["#0b4f8a", "#c98a00", "#1e6b34", "#b3261e", "#7a3e9d", "#0072b2", "#d55e00", "#009e73",
    "#5f6b7a", "#cc79a7", "#8a5a00", "#1b1f24"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1b1f24";
  Chart.defaults.animation = false;
  var tick = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 });
  var valueAxis = { beginAtZero: true, suggestedMax: 1, ticks: { callback: function (value) { return tick.format(value); } } };

  function note(derived) { return derived ? " (" + data.derivedNote + ")" : ""; }

  var line = document.getElementById("explore-line");
  if (line) {
    var datasets = data.series.map(function (series, i) {
      var colour = palette[i % palette.length];
      return {
        label: series.label, data: series.values, borderColor: colour, backgroundColor: colour,
        // A merged unit's years before it existed: hollow points and a dashed line.
        pointBackgroundColor: series.derived.map(function (derived) { return derived ? "#ffffff" : colour; }),
        pointRadius: 4, spanGaps: false,
        segment: { borderDash: function (ctx) { return series.derived[ctx.p0DataIndex] || series.derived[ctx.p1DataIndex] ? [6, 4] : undefined; } }
      };
    });
    new Chart(line, {
      type: "line",
      data: { labels: data.years, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: { display: datasets.length <= 12 },
          tooltip: { callbacks: { label: function (item) {
            return item.dataset.label + ": " + number.format(item.parsed.y) + note(data.series[item.datasetIndex].derived[item.dataIndex]);
          } } }
        },
        scales: { y: valueAxis }
      }
    });
  }

  var bar = document.getElementById("explore-bar");
  if (bar && data.bar.labels.length) {
    new Chart(bar, {
      type: "bar",
      data: { labels: data.bar.labels, datasets: [{ label: String(data.bar.year), data: data.bar.values,
        backgroundColor: data.bar.derived.map(function (derived) { return derived ? "#9bb8d3" : "#0b4f8a"; }) }] },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) {
          return number.format(item.parsed.x) + note(data.bar.derived[item.dataIndex]);
        } } } },
        scales: { x: valueAxis }
      }
    });
  }
}());
