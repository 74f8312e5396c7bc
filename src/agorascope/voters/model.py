"""The Splink model of ``voters link``: comparisons, blocking rules and unsupervised training.

The model is Fellegi-Sunter, as Splink builds it. Only the fields that at least
:data:`MIN_FILLED` of the records fill are compared (a comparison with no values cannot be
trained). Training needs no labels: ``u`` by random sampling of record pairs, ``m`` by
expectation maximisation on pairs blocked on the name and, separately, on the date of birth
(each session estimates the comparisons it does not block on; a session whose rule finds no
pair is skipped, and untrained ``m`` keep Splink's defaults), and the prior (one pair in
all when the rules find none) (the chance that
two random records match) from deterministic rules with an assumed recall.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.exceptions import EMTrainingException, SplinkException

__all__ = ["LINK_COLUMNS", "MIN_FILLED", "blocking_rules", "comparisons", "settings", "train"]

LINK_COLUMNS = (
    "uid", "source", "first_name", "first_name_aliases", "last_name", "dob_text", "birth_year",
    "voter_id", "house_number", "street", "city", "postcode", "email", "phone",
)  # fmt: skip
"""The record columns the model reads."""

MIN_FILLED = 0.01
"""Least share of records with a value for a field to be compared."""


def _filled(df: pd.DataFrame) -> set[str]:
    n = max(len(df), 1)
    return {c for c in LINK_COLUMNS if c in df and df[c].notna().sum() / n >= MIN_FILLED}


def comparisons(df: pd.DataFrame) -> list[Any]:
    """The comparisons for the fields ``df`` fills (term-frequency adjusted exact levels)."""
    have = _filled(df)
    out: list[Any] = []
    if "first_name" in have:
        out.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("first_name"),
                    cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
                    cll.JaroWinklerLevel("first_name", 0.92),
                    cll.ArrayIntersectLevel("first_name_aliases").configure(
                        label_for_charts="nickname of the same name"
                    ),
                    cll.JaroWinklerLevel("first_name", 0.8),
                    cll.ElseLevel(),
                ],
                output_column_name="first_name",
            )
        )
    if "last_name" in have:
        out.append(
            cl.NameComparison("last_name", jaro_winkler_thresholds=[0.92, 0.8]).configure(
                term_frequency_adjustments=True
            )
        )
    if "dob_text" in have:
        out.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("dob_text"),
                    cll.ExactMatchLevel("dob_text"),
                    cll.DamerauLevenshteinLevel("dob_text", 1),
                    cll.ExactMatchLevel("birth_year"),
                    cll.ElseLevel(),
                ],
                output_column_name="dob",
            )
        )
    if "voter_id" in have:
        out.append(cl.DamerauLevenshteinAtThresholds("voter_id", [1, 2]))
    if "email" in have:
        out.append(cl.EmailComparison("email"))
    if "phone" in have:
        out.append(cl.ExactMatch("phone"))
    if "house_number" in have:
        out.append(cl.ExactMatch("house_number").configure(term_frequency_adjustments=True))
    if "street" in have:
        out.append(cl.JaroWinklerAtThresholds("street", [0.92, 0.8]))
    if "city" in have:
        out.append(cl.JaroWinklerAtThresholds("city", [0.92]))
    if "postcode" in have:
        out.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("postcode"),
                    cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
                    cll.DamerauLevenshteinLevel("postcode", 1),
                    cll.ElseLevel(),
                ],
                output_column_name="postcode",
            )
        )
    return out


def blocking_rules(df: pd.DataFrame) -> list[Any]:
    """The rules that choose the pairs to score (any one suffices)."""
    have = _filled(df)
    rules: list[tuple[str, ...]] = [
        ("first_name", "last_name"), ("last_name", "dob_text"), ("first_name", "dob_text"),
        ("voter_id",), ("email",), ("phone",), ("postcode", "house_number"),
        ("street", "house_number"), ("last_name", "postcode"),
    ]  # fmt: skip
    return [block_on(*r) for r in rules if set(r) <= have]


def settings(df: pd.DataFrame) -> SettingsCreator:
    """The Splink settings for the records in ``df`` (one table; links within and across
    sources)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=comparisons(df),
        blocking_rules_to_generate_predictions=blocking_rules(df),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


def train(linker: Any, df: pd.DataFrame, *, seed: int) -> None:
    """Train ``linker`` without labels (see the module docstring)."""
    have = _filled(df)
    deterministic = [
        block_on(*r)
        for r in (("first_name", "last_name", "dob_text"), ("voter_id",), ("email",))
        if set(r) <= have
    ]
    if deterministic:
        with suppress(SplinkException):  # no pair at all: keep Splink's default prior
            linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    obj = linker._settings_obj  # no public setter; a prior of 0 would break prediction
    if not obj._probability_two_random_records_match > 0:
        n = max(len(df), 2)
        obj._probability_two_random_records_match = 1 / (n * (n - 1) / 2)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    sessions = [("first_name", "last_name"), ("dob_text",), ("postcode",)]
    for rule in sessions:
        if set(rule) <= have:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), estimate_without_term_frequencies=True
                )
            except EMTrainingException:  # no pair on this rule (no duplicates yet)
                continue
