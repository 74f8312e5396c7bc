"""The survey analyses as the registry declares them (parameters, rows, function).

``audience survey`` profiles a group of respondents (``vote=1``) against the rest or everyone:
``ws.audience.survey(...)``, ``agorascope audience survey`` and ``GET /api/audience/survey``.
A survey is a bundled one by name (``dataset``, usable over HTTP with no data folder) or a
file (``file``: read only inside ``AGORASCOPE_DATA_DIR`` over HTTP). Surveys are read at
analysis time; nothing is stored.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Literal

from pydantic import Field

from agorascope.audience.survey import SurveyShare, Versus, bundled_survey, profile, read_survey
from agorascope.errors import InvalidInputError
from agorascope.registry import Context, Output, Params, analysis, row_of

__all__ = ["SurveyParams"]

BundledSurvey = Literal["anes96"]
"""The names of :data:`~agorascope.audience.survey.BUNDLED_SURVEYS` (a test keeps them equal)."""


class SurveyParams(Params):
    """A group of survey respondents against the rest."""

    group: str = Field(
        min_length=3,
        max_length=500,
        description="Who is in the group: COLUMN=VALUE (also !=, <, <=, >, >=; = and != take "
        "A,B lists).",
        examples=["vote=1"],
    )
    dataset: BundledSurvey = Field(
        "anes96", description="Bundled survey, used when no file is given."
    )
    file: Path | None = Field(
        None, description="Survey file (.csv, .csv.gz, .tsv, .parquet, .dta, .sav)."
    )
    weight: str | None = Field(
        None, max_length=200, description="Column of survey weights (unweighted if unset)."
    )
    columns: list[str] = Field(
        default=[],
        max_length=200,
        description="Columns to profile (default: every other column with at most max_levels "
        "answers).",
    )
    versus: Versus = Field("rest", description="Baseline: the rest, or everyone (all).")
    confidence: float = Field(0.95, gt=0.5, lt=1, description="Level of every interval.")
    max_levels: int = Field(
        30, ge=2, le=1000, description="Most distinct answers a profiled column may have."
    )
    min_group: int = Field(10, ge=1, description="Fewest respondents in the group and in the rest.")


SurveyRow = row_of(
    SurveyShare,
    "One answer of one column: weighted shares (0-1) in the group and the baseline with "
    "intervals on the effective (Kish) size, lift in % with its interval, p-value, finding.",
)


@analysis("audience", "survey", params=SurveyParams, row=SurveyRow, needs="workspace")
def _survey(ctx: Context, p: SurveyParams) -> Output:
    """Survey insights: how a group of respondents differs from the rest, answer by answer.

    Weighted shares of every answer in the group and in the baseline (the rest, or everyone),
    Wilson intervals on Kish's effective sample size (unequal weights widen them by the design
    effect), the lift (share / baseline - 1, in %) with a delta-method interval on its log, and
    the p-value of the Wald z test of group against rest. Only aggregates are returned; groups
    under min_group respondents are refused. meta: sizes, effective sizes and design effects.
    """
    if p.file is not None and "dataset" in p.model_fields_set:
        raise InvalidInputError("audience survey: give a file or a dataset, not both")
    survey = (
        read_survey(p.file, p.weight) if p.file is not None else bundled_survey(p.dataset, p.weight)
    )
    found = profile(
        survey, p.group, p.columns, versus=p.versus, confidence=p.confidence,
        max_levels=p.max_levels, min_group=p.min_group,
    )  # fmt: skip
    return Output([asdict(r) for r in found.rows], found.meta)
