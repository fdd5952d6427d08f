// Draws every chart on the page from the figure JSON the server put next to it (json_script).
// Loaded deferred after plotly.min.js; the headline numbers never wait for it.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) return;
    if (window.performance && performance.mark) performance.mark("dtm-charts-start");
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, figure.config).then(function () {
        element.classList.add("drawn");
        // Read by the slow-network test (tests/test_browser_speed.py): when the last chart drew.
        if (window.performance && performance.mark) performance.mark("dtm-chart-drawn");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
