"""Charts of the audience analyses: the lift list and the UpSet chart of overlaps."""

from __future__ import annotations

from typing import Any

from agorascope.report.charts import _PALETTE, _TOP_LEGEND, Figure, _axes, _layout, _no_posts, label

__all__ = ["lift_chart", "upset_chart"]


def lift_chart(rows: list[dict[str, Any]], title: str, *, top: int = 20) -> Figure:
    """The list "were more likely to: use #tag (+66 %) ...": for the first ``top`` rows with
    a positive (or unbounded) ``lift``, horizontal bars of the audience's ``share`` beside the
    ``baseline_share`` (percent of authors), each labelled with its lift."""
    shown = [r for r in rows if r.get("lift") is None or r["lift"] > 0][:top]
    names = [
        label(r["label"]) + (" (only them)" if r.get("lift") is None else f" ({r['lift']:+.0f} %)")
        for r in shown
    ][::-1]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": names,
            "x": [r[column] for r in shown][::-1],
        }
        for name, column in (("rest of the baseline", "baseline_share"), ("audience", "share"))
    ]
    layout = _layout(
        title, barmode="group", height=max(320, 60 + 36 * len(shown)),
        margin={"l": 220, "r": 20, "t": 60, "b": 40}, legend=_TOP_LEGEND,
    )  # fmt: skip
    _axes(layout, "authors having it (%)", "attribute (lift against the baseline)")
    if not shown:
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def upset_chart(rows: list[dict[str, Any]], names: list[str], title: str) -> Figure:
    """An UpSet chart: bars of the authors in exactly each combination of audiences (above)
    and the dot matrix of the combinations' members (below, one row per audience)."""
    xs = [str(i + 1) for i in range(len(rows))]
    member: list[dict[str, list[str]]] = [{"x": [], "y": []}, {"x": [], "y": []}]  # out, in
    lines: list[dict[str, Any]] = []
    for x, r in zip(xs, rows, strict=True):
        inside = set(r["audiences"])
        for n in names:
            dots = member[n in inside]
            dots["x"].append(x)
            dots["y"].append(label(n))
        lines.append({"x": [x] * len(inside), "y": [label(n) for n in names if n in inside]})
    data: list[dict[str, Any]] = [
        {"type": "bar", "x": xs, "y": [r["authors"] for r in rows], "name": "authors",
         "marker": {"color": _PALETTE[0]}, "yaxis": "y", "showlegend": False,
         "hovertext": [" & ".join(label(n) for n in r["audiences"]) for r in rows],
         "hovertemplate": "%{hovertext}: %{y} authors<extra></extra>"},
        {"type": "scatter", "mode": "markers", **member[0], "yaxis": "y2", "showlegend": False,
         "marker": {"color": "#d1d5db", "size": 11}, "hoverinfo": "skip"},
    ]  # fmt: skip
    data += [
        {"type": "scatter", "mode": "lines+markers", **line, "yaxis": "y2", "showlegend": False,
         "marker": {"color": "#111827", "size": 11}, "line": {"color": "#111827"},
         "hoverinfo": "skip"}
        for line in lines
    ]  # fmt: skip
    layout = _layout(
        title, height=max(360, 260 + 28 * len(names)),
        margin={"l": 140, "r": 20, "t": 40, "b": 40},
    )  # fmt: skip
    # the shared x axis sits under the dot matrix
    layout["xaxis"] = {"type": "category", "title": {"text": "combination"}, "automargin": True,
                       "anchor": "y2"}  # fmt: skip
    layout["yaxis"] = {"domain": [0.45, 1], "title": {"text": "authors in exactly these"},
                       "rangemode": "tozero", "automargin": True}  # fmt: skip
    layout["yaxis2"] = {
        "domain": [0, 0.38], "type": "category", "automargin": True,
        "title": {"text": "audience"}, "categoryorder": "array",
        "categoryarray": [label(n) for n in names][::-1],
    }  # fmt: skip
    if not rows:
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}
