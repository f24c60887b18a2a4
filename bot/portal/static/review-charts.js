/*
 * Charts on the admin statistics page (/admin/review/stats), drawn with the
 * locally served Chart.js (static/vendor/chartjs/, pinned in package.json).
 *
 * Every chart is drawn from the table that follows it: <canvas data-table="ID"
 * data-series="1,2"> takes the row labels from the table's row headers
 * (data-label, else the text) and the numbers from the data-value attributes of
 * the listed columns. The tables stay on the page, so the numbers are there for
 * screen readers and without JavaScript. No inline scripts or styles (CSP).
 */
(function () {
  "use strict";

  if (!window.Chart) return;
  var Chart = window.Chart;

  // Blue, red, green, purple: each at least 4.5:1 against white.
  var COLORS = ["#005a9c", "#a4262c", "#1e7b34", "#6b3fa0"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  var POINTS = ["circle", "rectRot", "triangle", "rect"];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.color = "#1b1b1b";
  Chart.defaults.borderColor = "#c4c4c4";
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  Chart.defaults.font.size = 14;
  if (reduceMotion) Chart.defaults.animation = false;

  // An empty data-value is "no value" (a gap in a line), not zero.
  function number(cell) {
    var value = parseFloat(cell ? cell.getAttribute("data-value") : "");
    return isNaN(value) ? null : value;
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.getAttribute("data-table"));
    if (!table) return;
    var heads = table.querySelectorAll("thead th");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var columns = (canvas.getAttribute("data-series") || "1").split(",").map(Number);
    var percent = canvas.getAttribute("data-percent") === "1";
    var horizontal = canvas.getAttribute("data-horizontal") === "1";
    var type = canvas.getAttribute("data-type") || "bar";
    var barColors = (canvas.getAttribute("data-colors") || "").split(",").filter(Boolean);

    var labels = rows.map(function (row) {
      var header = row.querySelector("th");
      return header ? (header.getAttribute("data-label") || header.textContent.trim()) : "";
    });
    var datasets = columns.map(function (column, i) {
      return {
        label: heads[column] ? heads[column].textContent.trim() : "",
        data: rows.map(function (row) {
          var value = number(row.children[column]);
          return percent && value !== null ? Math.round(value * 1000) / 10 : value;
        }),
        backgroundColor: barColors.length ? barColors : COLORS[i % COLORS.length],
        borderColor: COLORS[i % COLORS.length],
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: 4,
        borderWidth: type === "line" ? 3 : 0
      };
    });
    var valueAxis = {
      beginAtZero: true,
      ticks: {
        precision: 0,
        callback: function (value) { return percent ? value + " %" : value; }
      }
    };
    if (percent) valueAxis.suggestedMax = 100;

    new Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: false,
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: {
          legend: { display: datasets.length > 1, labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = horizontal ? context.parsed.x : context.parsed.y;
                return context.dataset.label + ": " + value + (percent ? " %" : "");
              }
            }
          }
        }
      }
    });
    canvas.parentNode.classList.add("chart--drawn");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-table]"), draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
