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
  function send(form) {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  var selects = document.querySelectorAll("[data-autosubmit]");
  Array.prototype.forEach.call(selects, function (s) {
    s.addEventListener("change", function () { send(s.form); });
  });
  // an empty window end or the default zone stays out of the address (a shorter permalink)
  var controls = document.getElementById("time-controls");
  if (controls) {
    controls.addEventListener("submit", function () {
      Array.prototype.forEach.call(controls.elements, function (el) {
        if ((el.name === "since" || el.name === "until") && !el.value) { el.disabled = true; }
        if (el.name === "tz" && el.value === "UTC") { el.disabled = true; }
      });
    });
  }
})();
