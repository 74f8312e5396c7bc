/* agorascope dashboard: drill-down from a chart to the mentions list, and "copy link".

   A chart element with data-drill="<kind>" inside an element with data-drill-base="<url>"
   opens that /mentions URL narrowed by what was clicked:
     bucket   -> since/until (UTC, with a "Z") of the clicked interval (a spike annotation opens its spike's link)
     country, lang, platform, hashtag, author, tier -> that filter (the point's customdata,
              else its label without the "#"/"@" prefix)
   No inline handlers: the page runs under a strict Content-Security-Policy. */
(function () {
  "use strict";

  // UTC with its "Z": the list reads an end without an offset in its own zone (tz=)
  function iso(d) { return d.toISOString().slice(0, 19) + "Z"; }

  function parseTime(v) {
    var s = String(v).replace(" ", "T");
    if (s.length === 10) { s += "T00:00:00"; }
    if (!/[zZ]|[+-]\d\d:\d\d$/.test(s)) { s += "Z"; }
    return new Date(s);
  }

  function go(base, params) {
    var url = new URL(base, window.location.href);
    url.searchParams.delete("after");
    Object.keys(params).forEach(function (k) { url.searchParams.set(k, params[k]); });
    window.location.assign(url.pathname + url.search);
  }

  function bucketParams(el, point) {
    // the timeline's points carry their bucket's UTC start ("...Z") as customdata: the
    // axis shows wall-clock times of the page's zone, the mentions list takes UTC
    var utc = (point.data && point.data.customdata) || [];
    var zoned = typeof point.customdata === "string" && /Z$/.test(point.customdata);
    var xs = zoned ? utc : (point.data && point.data.x) || [];
    var i = point.pointIndex !== undefined ? point.pointIndex : point.pointNumber;
    var start = parseTime(zoned ? point.customdata : point.x);
    var end;
    if (i + 1 < xs.length) {
      end = parseTime(xs[i + 1]);
    } else if (i > 0) {
      end = new Date(start.getTime() + (start.getTime() - parseTime(xs[i - 1]).getTime()));
    } else {
      end = new Date(start.getTime() + 3600 * 1000);
    }
    return { since: iso(start), until: iso(end) };
  }

  function keyOf(kind, point) {
    if (point.customdata !== undefined && point.customdata !== null) {
      return String(Array.isArray(point.customdata) ? point.customdata[0] : point.customdata);
    }
    if (kind === "country") { return point.location; }
    var label = String(point.data && point.data.orientation === "h" ? point.y : point.x);
    if (kind === "hashtag" || kind === "author") { label = label.replace(/^[#@]/, ""); }
    return label;
  }

  function drillParams(el, kind, point) {
    if (kind === "bucket") { return bucketParams(el, point); }
    var out = {};
    out[kind] = keyOf(kind, point);
    return out;
  }

  function attach(el) {
    if (el.getAttribute("data-drill-ready") || typeof el.on !== "function") { return; }
    var holder = el.closest("[data-drill-base]");
    if (!holder) { return; }
    var base = holder.getAttribute("data-drill-base");
    var kind = el.getAttribute("data-drill");
    el.setAttribute("data-drill-ready", "1");
    el.on("plotly_click", function (ev) {
      if (!ev || !ev.points || !ev.points.length) { return; }
      var key = drillParams(el, kind, ev.points[0]);
      if (key && Object.keys(key).every(function (k) { return key[k]; })) { go(base, key); }
    });
    el.on("plotly_clickannotation", function (ev) {
      var links = document.querySelectorAll("[data-spike-link]");
      var link = ev && links[ev.index];
      if (link) { window.location.assign(link.getAttribute("href")); }
    });
  }

  var charts = document.querySelectorAll("[data-drill]");
  Array.prototype.forEach.call(charts, function (el) {
    attach(el);
    if (!el.getAttribute("data-drill-ready") && window.MutationObserver) {
      new MutationObserver(function (_, obs) {
        attach(el);
        if (el.getAttribute("data-drill-ready")) { obs.disconnect(); }
      }).observe(el, { attributes: true, attributeFilter: ["data-drawn"] });
    }
  });

  var copy = document.querySelector("[data-copy-link]");
  if (copy) {
    copy.addEventListener("click", function () {
      var status = document.getElementById("copy-status");
      var url = window.location.href;
      function done(ok) {
        copy.setAttribute("data-copied", ok ? "1" : "0");
        if (status) { status.textContent = ok ? "link copied" : "copy this link: " + url; }
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { done(true); }, function () { done(false); });
      } else {
        done(false);
      }
    });
  }
})();
