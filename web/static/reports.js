// Draws the chart beside each report table from the data its canvas carries
// (data-chart: Chart.js type and data, written by web/reports/tables.py). No inline
// script: the content security policy allows scripts from this site only.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colours = ["#b02a37", "#6c757d", "#198754", "#0d6efd", "#fd7e14", "#6f42c1"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var config = JSON.parse(canvas.getAttribute("data-chart"));
    if (!config.data.labels.length) { canvas.parentNode.hidden = true; return; }
    config.data.datasets.forEach(function (set, i) { set.backgroundColor = colours[i % colours.length]; });
    config.options = {responsive: true, maintainAspectRatio: false, animation: false,
                      scales: {y: {beginAtZero: true, ticks: {precision: 0}}}};
    new Chart(canvas, config);
  });
})();
