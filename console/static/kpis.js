/* The KPI page's charts (Chart.js, vendored): handoffs by reason and the per-day series.
   The data comes from the page's <script type="application/json" id="kpi-data"> block; a
   click on a bar opens the conversations behind it (the same link as the table's number).
   Without this script the page still shows every number, in its tables. */
"use strict";
(function () {
  var source = document.getElementById("kpi-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#2456c7", "#d9822b", "#2f9e5b", "#8a5cc7"];

  function draw(id, labels, datasets, stacked) {
    var canvas = document.getElementById(id);
    if (!canvas) { return null; }
    return new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: true },
        plugins: { legend: { display: datasets.length > 1 } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var hit = elements[0];
          var url = datasets[hit.datasetIndex].links[hit.index];
          if (url) { window.location.assign(url); }
        }
      }
    });
  }

  var reasons = data.reasons;
  draw("reasons-chart", reasons.labels, [{
    label: "Handoffs", data: reasons.counts, links: reasons.links, backgroundColor: colours[0]
  }], false);

  draw("days-chart", data.days.labels, data.days.series.map(function (series, i) {
    return {
      label: series.label, data: series.counts, links: series.links,
      backgroundColor: colours[i % colours.length]
    };
  }), false);
})();
