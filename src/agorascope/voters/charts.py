"""Linkage charts (Plotly figures as JSON dicts): a pair's match-weight waterfall and the
distribution of match probabilities."""

from __future__ import annotations

from typing import Any

from agorascope.report.charts import Figure, _axes, _layout, label

__all__ = ["probability_histogram", "waterfall_chart"]


def waterfall_chart(pair: dict[str, Any]) -> Figure:
    """How each comparison moved a pair's match weight from the prior to its total.

    Args:
        pair: :func:`agorascope.voters.review.pair` (prior weight, weights per comparison,
            total match weight and probability).
    """
    names = ["prior", *pair["weights"]]
    values = [pair["prior_weight"], *pair["weights"].values()]
    fig: Figure = {
        "data": [
            {
                "type": "waterfall",
                "x": [label(n) for n in names] + ["total"],
                "y": [*values, pair["match_weight"]],
                "measure": ["relative"] * len(values) + ["total"],
                "hovertemplate": "%{x}: %{y:.2f} bits<extra></extra>",
            }
        ],
        "layout": _layout(
            f"Match weight of {label(pair['a'])} and {label(pair['b'])}: "
            f"probability {pair['match_probability']:.3f}"
        ),
    }
    _axes(fig["layout"], "Prior and comparisons", "Match weight (bits, log2 Bayes factor)")
    return fig


def probability_histogram(rows: list[dict[str, Any]]) -> Figure:
    """Scored pairs per match-probability bin (rows of the ``link-quality`` analysis)."""
    fig: Figure = {
        "data": [
            {
                "type": "bar",
                "x": [f"{r['low']:.1f}-{r['high']:.1f}" for r in rows],
                "y": [r["pairs"] for r in rows],
                "hovertemplate": "%{x}: %{y} pairs<extra></extra>",
            }
        ],
        "layout": _layout("Distribution of match probabilities"),
    }
    _axes(fig["layout"], "Match probability", "Record pairs (count)")
    return fig
