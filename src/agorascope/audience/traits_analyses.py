"""The trait analysis as the registry declares it (``agorascope audience traits``).

Sensitive traits stay aggregate: without ``individual=True`` the result holds one row per class
and nothing about any single account. With it, ``meta["predictions"]`` lists, for each account
whose label is unknown, its probability of each class, and the run is first written to the
store's audit log (action ``audience.traits.individual``; when the log cannot be written, no
prediction is made).
"""

from __future__ import annotations

import json
from typing import Any, cast

from pydantic import Field, field_validator

from agorascope.audience.traits import (
    CONFIDENT,
    FAMILIES,
    SENSITIVE_LABELS,
    Feature,
    footprints,
    trait_audit,
)
from agorascope.errors import InvalidInputError, StoreError
from agorascope.registry import Context, Output, Params, Row, analysis

__all__: list[str] = []

AUDIT_ACTION = "audience.traits.individual"


class TraitParams(Params):
    """Trait inference from footprints."""

    label: str = Field(
        "author_category",
        max_length=64,
        description="Author column holding the trait (author_category, author_verified...).",
    )
    features: list[str] = Field(
        list(FAMILIES),
        min_length=1,
        max_length=4,
        description="Footprint families used: hashtags, mentions, domains, words.",
    )
    components: int = Field(50, ge=1, le=1000, description="SVD dimensions.")
    folds: int = Field(5, ge=2, le=20, description="Cross-validation folds.")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="Seed of the SVD and the folds.")
    min_accounts: int = Field(
        5, ge=2, le=100_000, description="Fewest labelled accounts for a class to be modelled."
    )
    min_uses: int = Field(2, ge=1, description="Fewest accounts using a footprint to keep it.")
    unknown: list[str] = Field(
        ["Unknown"], max_length=20, description="Label values meaning 'not known' (with null)."
    )
    top: int = Field(10, ge=1, le=200, description="Footprints listed per class.")
    bins: int = Field(5, ge=2, le=20, description="Calibration bins.")
    remove: list[int] = Field(
        [10, 50], max_length=5, description="Audit: AUC once the k weightiest footprints go."
    )
    individual: bool = Field(
        False,
        description="Per-account probabilities for unlabelled accounts (written to the audit log).",
    )

    @field_validator("features")
    @classmethod
    def _families(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(FAMILIES))
        if unknown:
            raise ValueError(f"unknown families {unknown}; use {', '.join(FAMILIES)}")
        return value

    def writes(self) -> bool:
        """Individual predictions write an audit entry."""
        return self.individual


class TraitRow(Row):
    """One class of the trait: accounts, cross-validated AUC against a TF-IDF baseline,
    calibration, the footprints that carry it, and its privacy audit."""

    value: str
    accounts: int
    auc: float | None
    baseline_auc: float | None
    calibration: list[dict[str, Any]]
    footprints: list[dict[str, Any]]
    family_auc: dict[str, float | None]
    auc_without_top: dict[str, float | None]
    confident: int
    confident_unlabelled: int
    confident_precision: float | None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@analysis("audience", "traits", params=TraitParams, row=TraitRow)
def _traits(ctx: Context, p: TraitParams) -> Output:
    """A trait of the accounts predicted from their footprints, with a privacy audit.

    Kosinski-style: account x footprint matrix (hashtags, mentions, link hosts, words),
    truncated SVD, logistic regression, stratified cross-validation; per class the AUC, a
    TF-IDF baseline's AUC, calibration, the telling footprints, the accounts classified with
    >= 90 % confidence and the AUC once the k most telling footprints are removed. Sensitive
    traits (author_category: political opinion) stay aggregate unless individual is set; each
    individual run is written to the audit log first.
    """
    sel = ctx.selection
    if sel is None:
        raise InvalidInputError("audience traits needs a selection of posts")
    if any(k < 1 for k in p.remove):
        raise InvalidInputError("remove: each k must be at least 1")
    fp = footprints(
        sel.windowed(),
        p.label,
        features=cast(list[Feature], p.features),
        min_uses=p.min_uses,
        unknown=p.unknown,
    )
    model, rows, probs = trait_audit(
        fp, components=p.components, folds=p.folds, seed=p.seed, min_accounts=p.min_accounts,
        top=p.top, bins=p.bins, remove=p.remove,
    )  # fmt: skip
    sensitive = SENSITIVE_LABELS.get(p.label)
    meta: dict[str, Any] = {
        "label": p.label,
        "sensitive": sensitive,
        "accounts": len(fp.accounts),
        "labelled": int(fp.known.sum()),
        "unlabelled": int((~fp.known).sum()),
        "trained": len(model.rows),
        "dropped_classes": model.dropped,
        "footprints": len(fp.names),
        "components": int(model.pipeline[-2].n_components),
        "folds": model.folds,
        "confident_at": CONFIDENT,
        "auc": _mean([r["auc"] for r in rows]),
        "baseline_auc": _mean([r["baseline_auc"] for r in rows]),
        "individual": p.individual,
    }
    if p.individual:
        unlabelled = probs[~fp.known].drop(columns="known")
        detail = {
            "label": p.label, "sensitive": sensitive, "accounts": len(unlabelled),
            "selection": sel.describe(), "params": p.model_dump(mode="json"),
        }  # fmt: skip
        try:
            ctx.workspace.store.audit(AUDIT_ACTION, sel.name, json.dumps(detail, default=str))
        except StoreError as e:
            raise InvalidInputError(
                "individual predictions are written to the audit log first, and the store "
                f"cannot be written ({e}); open it for writing"
            ) from e
        meta["predictions"] = [
            {"platform": r["platform"], "author_id": r["author_id"],
             "probabilities": {c: float(r[c]) for c in model.classes}}
            for r in unlabelled.to_dict("records")
        ]  # fmt: skip
    return Output(rows, meta=meta)
