/* agorascope dashboard: draw the Plotly figures that the page embeds as JSON. No inline
   handlers anywhere, so the page runs under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var holder = document.getElementById("figures");
  var figures = holder ? JSON.parse(holder.textContent) : {};
  var config = { displaylogo: false, responsive: true };
  var topo = document.body.getAttribute("data-topojson");
  if (topo) { config.topojsonURL = topo; }
  var charts = document.querySelectorAll("[data-figure]");
  Array.prototype.forEach.call(charts, function (el) {
    var fig = figures[el.getAttribute("data-figure")];
    if (!fig || !window.Plotly) { return; }
    window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
      el.setAttribute("data-drawn", "1");
    }, function (err) {
      el.setAttribute("data-error", String(err));
    });
  });
  var selects = document.querySelectorAll("select[data-autosubmit]");
  Array.prototype.forEach.call(selects, function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
})();
