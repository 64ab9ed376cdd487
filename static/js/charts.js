// Charts of published results. Each <canvas data-chart="ID" data-kind="bar|hbar|line|histogram|grouped">
// reads its data from <script type="application/json" id="ID"> (no inline code: the CSP forbids it).
// Optional data-x-label and data-y-label name the axes.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "vi";
  var number = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 4 });
  var blue = "#0b4f8a";
  var gold = "#c98a00";
  var palette = [blue, gold, "#1e6b34"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1b1f24";
  Chart.defaults.animation = false;

  function axisTitle(text) { return text ? { display: true, text: text } : { display: false }; }

  function config(kind, data, axes) {
    var tooltip = { callbacks: { label: function (item) { return (item.dataset.label ? item.dataset.label + ": " : "") + number.format(item.parsed[kind === "hbar" ? "x" : "y"]); } } };
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
    if (kind === "grouped") {
      return { type: "bar", data: { labels: data.labels, datasets: data.series.map(function (s, i) { return { label: s.label, data: s.values, backgroundColor: palette[i % palette.length] }; }) },
        options: { plugins: { tooltip: tooltip }, scales: { y: valueAxis } } };
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
    var axes = { x: canvas.dataset.xLabel || "", y: canvas.dataset.yLabel || "" };
    new Chart(canvas, config(canvas.getAttribute("data-kind") || "bar", data, axes));
  });
}());
