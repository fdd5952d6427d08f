// Draws every chart on the page from the figure JSON the server put next to it (json_script).
// Loaded deferred after plotly.min.js; the headline numbers never wait for it.
(function () {
  "use strict";
  // A narrow screen cannot hold every upright label of a category x axis (the report
  // calendar's weeks): show every n-th, n chosen so each label gets `figure.tick_px` pixels.
  function thinCategoryTicks(element, figure) {
    var axis = figure.layout && figure.layout.xaxis;
    var trace = figure.data && figure.data[0];
    if (!figure.tick_px || !axis || axis.type !== "category" || !trace || !trace.x) return;
    var width = element.clientWidth || window.innerWidth;
    var every = Math.ceil(trace.x.length * figure.tick_px / width);
    if (every > 1) {
      axis.tickmode = "linear";
      axis.tick0 = 0;
      axis.dtick = every;
    }
  }

  function draw() {
    if (!window.Plotly) return;
    if (window.performance && performance.mark) performance.mark("dtm-charts-start");
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      thinCategoryTicks(element, figure);
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
