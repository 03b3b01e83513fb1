// Draws the chart beside each report table from the data its canvas carries
// (data-chart: Chart.js type and data, written by web/reports/tables.py). No inline
// script: the content security policy allows scripts from this site only.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colours = ["#b02a37", "#6c757d", "#198754", "#0d6efd", "#fd7e14", "#6f42c1"];
  var LINES = 4; // of an axis label at most; the tooltip shows the whole name
  var CHARACTER = 7; // pixels, about, of a character of the axis labels

  // A unit's name is long ("Chi bộ Công ty Cổ phần …"): rotated, the names of a few
  // bars take the whole height of a phone's chart. Wrapped on words into lines as wide
  // as a bar's share of the chart, they stay level and leave the bars their room.
  function wrapped(text, width) {
    var lines = [];
    text.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    if (lines.length > LINES) {
      lines = lines.slice(0, LINES);
      lines[LINES - 1] += " …";
    }
    return lines;
  }

  function axisLabel(value) {
    var bars = Math.max(1, this.chart.data.labels.length);
    var width = Math.max(8, Math.floor(this.chart.width / bars / CHARACTER));
    return wrapped(String(this.getLabelForValue(value)), width);
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var config = JSON.parse(canvas.getAttribute("data-chart"));
    if (!config.data.labels.length) { canvas.parentNode.hidden = true; return; }
    config.data.datasets.forEach(function (set, i) { set.backgroundColor = colours[i % colours.length]; });
    config.options = {responsive: true, maintainAspectRatio: false, animation: false,
                      scales: {x: {ticks: {maxRotation: 0, autoSkip: false, callback: axisLabel}},
                               y: {beginAtZero: true, ticks: {precision: 0}}}};
    new Chart(canvas, config);
  });
})();
