"""PII detection, pseudonymised exports, k-anonymous aggregates, consent and retention."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.privacy.consent import consent_filter, set_source_basis, source_bases
from agorascope.privacy.exports import export_pseudonymised, k_anonymous_counts
from agorascope.privacy.keys import ProjectKey, key_path, project_key
from agorascope.privacy.pii import detect, redact
from agorascope.privacy.retention import apply_retention, parse_span, set_retention
from agorascope.workspace import Workspace

from .conftest import ACCOUNTS, ira_rows


def _luhn(number: str) -> bool:
    """Reference Luhn check, written from the ISO/IEC 7812 description."""
    digits = [int(c) for c in number if c.isdigit()][::-1]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return total % 10 == 0


def _iban_ok(iban: str) -> bool:
    """Reference ISO 13616 mod-97 check."""
    s = iban.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


@pytest.mark.parametrize(
    ("text", "entity", "found"),
    [
        ("mail ann.lee@example.org now", "EMAIL_ADDRESS", "ann.lee@example.org"),
        ("call +1 212-555-0199 today", "PHONE_NUMBER", "+1 212-555-0199"),
        ("card 4111 1111 1111 1111 ok", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("my ssn is 536-22-1234", "US_SSN", "536-22-1234"),
        ("IBAN GB82 WEST 1234 5698 7654 32 here", "IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
    ],
    ids=["email", "phone", "card", "ssn", "iban"],
)
def test_pii_is_detected(text: str, entity: str, found: str) -> None:
    spans = detect(text)
    assert [(s.entity, text[s.start : s.end]) for s in spans] == [(entity, found)]
    assert redact(text) == text.replace(found, f"<{entity}>")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("4111 1111 1111 1111", True),
        ("4111 1111 1111 1112", False),
        ("GB82 WEST 1234 5698 7654 32", True),
        ("GB83 WEST 1234 5698 7654 32", False),
    ],
    ids=["luhn-ok", "luhn-bad", "iban-ok", "iban-bad"],
)
def test_checksums_agree_with_the_reference(text: str, valid: bool) -> None:
    reference = _iban_ok(text) if text[:2].isalpha() else _luhn(text)
    assert reference is valid
    assert bool(detect(f"value {text} end")) is valid


def test_project_key_file_is_private_and_stable(ws: Workspace) -> None:
    assert ws.store.path is not None
    path = key_path(ws.store.path)
    a = project_key(ws.store).hash("author", "x|1")
    assert path.stat().st_mode & 0o777 == 0o600
    assert project_key(ws.store).hash("author", "x|1") == a
    assert ProjectKey(b"other" * 8).hash("author", "x|1") != a


def test_pseudonymised_export_hides_people_and_is_stable(ws: Workspace, tmp_path: Path) -> None:
    first = export_pseudonymised(ws, tmp_path / "a.csv")
    second = export_pseudonymised(ws, tmp_path / "b.jsonl")
    text = (tmp_path / "a.csv").read_text(encoding="utf-8")
    for account in ACCOUNTS:
        assert account not in text and account.lower() not in text.lower()
    with (tmp_path / "a.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    jsonl = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert [r["author"] for r in rows] == [r["author"] for r in jsonl]
    assert first["posts"] == second["posts"] == ws.store.execute("SELECT count(*) FROM posts")[0][0]
    assert len({r["author"] for r in rows}) == len(ACCOUNTS)
    recorded = ws.store.execute("SELECT count(*) FROM exports WHERE pseudonymised")[0][0]
    assert recorded == 2


def test_k_anonymous_counts_match_pandas(ws: Workspace) -> None:
    posts = ws.store.arrow("SELECT relation, author_id FROM posts").to_pandas()
    ref = posts.groupby("relation").agg(
        posts=("author_id", "size"), authors=("author_id", "nunique")
    )
    result = k_anonymous_counts(ws, ["relation"], k=2)
    for row in result["rows"]:
        exp = ref.loc[row["relation"]]
        if exp["authors"] < 2:
            assert row["suppressed"] and row["posts"] is None
        else:
            assert (row["posts"], row["authors"]) == (exp["posts"], exp["authors"])
    assert result["suppressed"] == int((ref["authors"] < 2).sum())
    assert k_anonymous_counts(ws, ["relation"], k=4)["suppressed"] == len(ref)
    with pytest.raises(InvalidInputError):
        k_anonymous_counts(ws, ["text"], k=5)


def test_consent_filter_keeps_consenting_people_and_counts_the_others() -> None:
    consents = {
        "p1": {"targeting": "given"},
        "p2": {"targeting": "withdrawn"},
        "p3": {"email": "given"},
    }
    result = consent_filter(["p1", "p2", "p3", "p4"], consents, "targeting")
    assert result.kept == ["p1"] and result.left_out == 3
    with pytest.raises(InvalidInputError, match="purpose"):
        consent_filter([], {}, "advertising")


def test_source_basis_is_recorded_and_checked(ws: Workspace) -> None:
    set_source_basis(ws.store, "ira.csv", "legitimate_interests", "not_required")
    assert source_bases(ws.store)["ira.csv"]["legal_basis"] == "legitimate_interests"
    with pytest.raises(InvalidInputError):
        set_source_basis(ws.store, "ira.csv", "because")
    with pytest.raises(NotFoundError):
        set_source_basis(ws.store, "nope.csv", "consent")


def test_retention_deletes_older_posts_with_proof(ws: Workspace) -> None:
    assert parse_span("365d") == 365 and parse_span("2w") == 14
    with pytest.raises(InvalidInputError):
        parse_span("0d")
    now = datetime(2017, 1, 1)
    df = pd.DataFrame(ira_rows())
    dates = pd.to_datetime(df["publish_date"])
    expected = int((dates < now - pd.Timedelta(days=365)).sum())
    expected -= int(df[dates < now - pd.Timedelta(days=365)].duplicated().sum())
    set_retention(ws, "ira.csv", "365d")
    result = apply_retention(ws, now=now)
    assert result["deleted"] == {"ira.csv": expected} and result["proven"]
    left = ws.store.execute("SELECT min(created_at) FROM posts")[0][0]
    assert left >= datetime(2016, 1, 2)
    assert result["index"]["documents"] == ws.store.execute("SELECT count(*) FROM posts")[0][0]
