// Charts of published results and of the campaign dashboard. Each
// <canvas data-chart="ID" data-kind="bar|hbar|line|lines|histogram|grouped|average|stacked|bands">
// reads its data from <script type="application/json" id="ID"> (no inline code: the CSP forbids it).
// Optional data-x-label and data-y-label name the axes; a "bands" chart names its three series with
// data-band-label, data-median-label and data-rank-label.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "vi";
  var number = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 4 });
  var blue = "#0b4f8a";
  var gold = "#c98a00";
  var palette = [blue, gold, "#1e6b34"];
  // One colour per series of a stacked chart: the dashboard's states, in the order of its table's columns.
  var series = [blue, gold, "#1e6b34", "#7a3e9d", "#56b4e9", "#b3261e", "#5f6b7a", "#e69f00", "#009e73", "#1b1f24"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1b1f24";
  Chart.defaults.animation = false;

  // A long label ("Bắc Trung Bộ và duyên hải miền Trung") as lines of about `width` characters, so that a
  // horizontal chart keeps its bars on a phone's screen.
  function wrap(label, width) {
    var lines = [];
    String(label).split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) { lines[last] += " " + word; } else { lines.push(word); }
    });
    return lines;
  }

  function axisTitle(text) { return text ? { display: true, text: text } : { display: false }; }

  function config(kind, data, axes) {
    var tooltip = { callbacks: { label: function (item) { return (item.dataset.label ? item.dataset.label + ": " : "") + number.format(item.parsed[kind === "hbar" || kind === "stacked" ? "x" : "y"]); } } };
    var valueAxis = { beginAtZero: true, ticks: { callback: function (value) { return number.format(value); } } };
    if (kind === "histogram") {
      return { type: "bar", data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: blue }] },
        options: { plugins: { legend: { display: false } }, scales: { x: { title: axisTitle(axes.x) },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: axisTitle(axes.y) } } } };
    }
    if (kind === "line") {
      return { type: "line", data: { labels: data.map(function (d) { return d.label; }), datasets: [{ data: data.map(function (d) { return d.value; }), borderColor: blue, backgroundColor: blue }] },
        options: { plugins: { legend: { display: false }, tooltip: tooltip }, scales: { y: valueAxis } } };
    }
    if (kind === "lines") {
      // Several series over the same labels (years), {labels, series: [{label, values}]}; a null value is a
      // year the series has no figure for, and the line goes on across it. Each series has its own colour
      // and point shape, so that the lines are told apart without colour too.
      var shapes = ["circle", "rect", "triangle", "rectRot", "star", "crossRot"];
      return { type: "line", data: { labels: data.labels, datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.values, borderColor: series[i % series.length], backgroundColor: series[i % series.length],
          pointStyle: shapes[i % shapes.length], pointRadius: 5, borderWidth: i === 0 ? 3 : 2, spanGaps: true };
      }) },
        options: { maintainAspectRatio: false, plugins: { tooltip: tooltip, legend: { labels: { usePointStyle: true } } },
          scales: { x: { title: axisTitle(axes.x) }, y: { beginAtZero: true, suggestedMax: 1, title: axisTitle(axes.y), ticks: valueAxis.ticks } } } };
    }
    if (kind === "grouped") {
      return { type: "bar", data: { labels: data.labels, datasets: data.series.map(function (s, i) { return { label: s.label, data: s.values, backgroundColor: palette[i % palette.length] }; }) },
        options: { plugins: { tooltip: tooltip }, scales: { y: valueAxis } } };
    }
    if (kind === "stacked") {
      // Horizontal bars, one per row of the table next to it, stacked by series: long labels stay readable.
      return { type: "bar", data: { labels: data.labels.map(function (label) { return wrap(label, 16); }), datasets: data.series.map(function (s, i) { return { label: s.label, data: s.values, backgroundColor: series[i % series.length], maxBarThickness: 48 }; }) },
        options: { indexAxis: "y", maintainAspectRatio: false, plugins: { tooltip: tooltip },
          scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } } };
    }
    if (kind === "bands") {
      // Error bars of rank: per unit a bar from its 5th to its 95th percentile rank, a dot at its median
      // rank and a diamond at its official rank; rank 1 on the left.
      var names = axes.names;
      var marker = function (label, values, style, colour, radius) {
        return { type: "line", label: label, data: values, showLine: false, pointStyle: style, pointRadius: radius,
          pointHoverRadius: radius + 1, borderColor: colour, backgroundColor: colour };
      };
      return { type: "bar", data: { labels: data.labels.map(function (label) { return wrap(label, 18); }), datasets: [
        marker(names.rank, data.rank, "rectRot", gold, 6),
        marker(names.median, data.median, "circle", blue, 4),
        { type: "bar", label: names.band, data: data.low.map(function (low, i) { return [low, data.high[i]]; }),
          backgroundColor: "rgba(11, 79, 138, 0.25)", borderColor: blue, borderWidth: 1, borderSkipped: false,
          minBarLength: 4, barPercentage: 0.7, categoryPercentage: 0.9 }] },
        options: { indexAxis: "y", maintainAspectRatio: false, interaction: { mode: "index", axis: "y", intersect: false },
          plugins: { tooltip: { callbacks: { label: function (item) {
            var raw = item.raw;
            return item.dataset.label + ": " + (Array.isArray(raw) ? raw[0] + "–" + raw[1] : raw);
          } } } },
          scales: { x: { min: 1, max: Math.max(data.max || 1, 2), ticks: { precision: 0 }, title: axisTitle(axes.x) } } } };
    }
    if (kind === "average") {
      return { type: "bar", data: { labels: data.map(function (d) { return d.label; }), datasets: [
        { label: data.unitLabel || "", data: data.map(function (d) { return d.value; }), backgroundColor: blue },
        { label: data.averageLabel || "", data: data.map(function (d) { return d.average; }), backgroundColor: gold }] },
        options: { indexAxis: "y", plugins: { tooltip: tooltip }, scales: { x: valueAxis } } };
    }
    return { type: "bar", data: { labels: data.map(function (d) { return d.label; }), datasets: [{ data: data.map(function (d) { return d.value; }), backgroundColor: blue }] },
      options: { indexAxis: kind === "hbar" ? "y" : "x", maintainAspectRatio: false, plugins: { legend: { display: false }, tooltip: tooltip }, scales: kind === "hbar" ? { x: valueAxis } : { y: valueAxis } } };
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (canvas.dataset.unitLabel) { data.unitLabel = canvas.dataset.unitLabel; data.averageLabel = canvas.dataset.averageLabel; }
    var axes = { x: canvas.dataset.xLabel || "", y: canvas.dataset.yLabel || "",
      names: { band: canvas.dataset.bandLabel || "", median: canvas.dataset.medianLabel || "", rank: canvas.dataset.rankLabel || "" } };
    new Chart(canvas, config(canvas.getAttribute("data-kind") || "bar", data, axes));
  });
}());
