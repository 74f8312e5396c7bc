"""Presets on their real or hand-made fixtures, counted independently, and detection."""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.collect.canonical import CANONICAL_FIELDS, FieldError
from agorascope.collect.normalize import normalize
from agorascope.collect.presets import (
    PRESETS,
    Record,
    Reject,
    detect_format,
    load_mapping,
    open_source,
)
from agorascope.collect.presets.cascade import canonical_delay, snowflake_time
from agorascope.collect.presets.ira import parse_ira_date
from agorascope.errors import ImportFormatError

FIX = Path(__file__).parent / "fixtures"


def _split(source: object) -> tuple[list[Record], list[Reject]]:
    out = list(source)  # type: ignore[call-overload]
    return [r for r in out if isinstance(r, Record)], [r for r in out if isinstance(r, Reject)]


def test_every_preset_has_a_description_and_canonical_output() -> None:
    assert set(PRESETS) == {
        "native", "mapping", "ira", "cascade-trees", "x-v2", "twarc", "x-v1", "4cat",
        "gdelt-events", "gdelt-gkg",
    } | {"reddit", "mastodon", "bluesky", "youtube", "telegram", "edges"}  # fmt: skip
    for name, preset in PRESETS.items():
        assert preset.name == name
        assert preset.description and "\n" not in preset.description


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ira_sample.csv.gz", "ira"),
        ("ira_original_layout.csv", "ira"),
        ("twitter15_cascades.csv.gz", "cascade-trees"),
        ("twitter15", "cascade-trees"),
        ("x_v2_page.json", "x-v2"),
        ("x_v2_tweets.jsonl", "x-v2"),
        ("twarc_pages.jsonl", "twarc"),
        ("twarc_flat.jsonl", "twarc"),
        ("twitterv2-election-4cat.csv", "4cat"),
        ("reddit-politics-4cat.csv", "4cat"),
        ("native.csv", "native"),
    ],
    ids=str,
)
def test_detection(name: str, fmt: str) -> None:
    assert detect_format(FIX / name) == fmt
    records, _ = _split(open_source(FIX / name))
    assert records
    for record in records:
        assert set(record.fields) <= set(CANONICAL_FIELDS)
        assert record.fields["platform"] and record.fields["id"]


def test_unknown_format_lists_the_known_ones(fixtures: Path) -> None:
    with pytest.raises(ImportFormatError, match=r"unknown format.*ira.*mapping") as info:
        detect_format(fixtures / "tiktok.jsonl")
    assert "video_id" in str(info.value)


def test_ambiguous_format_lists_candidates(tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    cols = ["id", "thread_id", "timestamp", "body", "author", "platform", "text", "created_at"]
    path.write_text(",".join(cols) + "\n" + ",".join("1" for _ in cols) + "\n", "utf-8")
    with pytest.raises(ImportFormatError, match=r"ambiguous.*native or 4cat"):
        detect_format(path)
    assert open_source(path, format="4cat").format == "4cat"


def test_wrong_container_or_unknown_format_name(fixtures: Path) -> None:
    with pytest.raises(ImportFormatError, match="unknown format 'nope'"):
        open_source(fixtures / "native.csv", format="nope")
    with pytest.raises(ImportFormatError, match="reads json, jsonl, not csv"):
        open_source(fixtures / "native.csv", format="x-v2")
    with pytest.raises(ImportFormatError, match="not an IRA"):
        open_source(fixtures / "native.csv", format="ira")


# ---------------------------------------------------------------------------------- ira


def test_ira_counts_against_pandas(fixtures: Path) -> None:
    path = fixtures / "ira_sample.csv.gz"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    records, rejects = _split(open_source(path))
    assert rejects == []
    assert len(records) == len(df)
    ids = [r.fields["id"] for r in records]
    exact_duplicates = int(df.duplicated().sum())
    assert exact_duplicates > 0
    assert len(set(ids)) == len(df) - exact_duplicates
    relations = Counter(r.fields["relation"] for r in records)
    types = df["post_type"].value_counts()
    assert relations == {"repost": types["R"], "quote": types.get("Q", 0), "original": types[""]}
    assert (
        sum(r.fields["lang"] is None for r in records)
        == (df["language"] == "LANGUAGE UNDEFINED").sum()
    )
    assert sum(r.fields["country"] is None for r in records) == (df["region"] == "Unknown").sum()
    first = records[0].fields
    row = df.iloc[0]
    # the by-author layout has no numeric author id: the handle is the author's id
    assert first["author_handle"] == row["author_id"] and first["author_id"] is None
    assert normalize(first).post["author_id"] == row["author_id"]
    assert first["text"] == row["content"]
    assert first["created_at"] == datetime.fromisoformat(row["publish_date"]).replace(tzinfo=UTC)
    assert first["author_category"] == row["account_category"]


def test_ira_ids_are_stable_across_files(fixtures: Path, tmp_path: Path) -> None:
    src = fixtures / "ira_sample.csv.gz"
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    reordered = tmp_path / "ira_reordered.csv"
    with open(reordered, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0], *reversed(rows[1:])])
    a = sorted(r.fields["id"] for r in _split(open_source(src))[0])
    b = sorted(r.fields["id"] for r in _split(open_source(reordered))[0])
    assert a == b


def test_ira_original_layout(fixtures: Path) -> None:
    records, rejects = _split(open_source(fixtures / "ira_original_layout.csv"))
    assert [r.fields["id"] for r in records] == [
        "914000000000000001",
        "914000000000000002",
        "914000000000000003",
    ]
    assert [r.fields["relation"] for r in records] == ["original", "repost", "quote"]
    assert records[0].fields["created_at"] == datetime(2017, 10, 1, 19, 58, tzinfo=UTC)
    assert records[0].fields["author_id"] == "906000000000000001"
    assert records[0].fields["urls"] == ["https://example.org/story"]
    assert records[1].fields["lang"] is None and records[1].fields["country"] is None
    assert [(r.line, r.field) for r in rejects] == [(5, "publish_date")]


# ------------------------------------------------------------------------- cascade trees


def _key(cascade: str, user: str, tweet: str, delay: str) -> str:
    text = format(Decimal(delay).normalize(), "f")
    return f"{cascade}/{user}/{tweet}/{text}"


def test_cascade_counts_against_the_raw_tree_files(fixtures: Path) -> None:
    folder = fixtures / "twitter15"
    edge = re.compile(r"\['(\w+)', '(\w+)', '([-\d.]+)'\]->\['(\w+)', '(\w+)', '([-\d.]+)'\]")
    lines = self_loops = 0
    expected_ids: set[str] = set()
    for tree in sorted((folder / "tree").glob("*.txt")):
        edges = [edge.fullmatch(x).groups() for x in tree.read_text("utf-8").splitlines()]  # type: ignore[union-attr]
        root = next((u, t, Decimal(d)) for pu, _, _, u, t, d in edges if pu == "ROOT")
        for pu, pt, pd_, u, t, d in edges:
            lines += 1
            if (pu, pt, Decimal(pd_)) == (u, t, Decimal(d)):
                self_loops += 1
            elif pu == "ROOT" or (u, t, Decimal(d)) == root:
                expected_ids.add(tree.stem)  # the source tweet, also when listed again
            else:
                expected_ids.add(_key(tree.stem, u, t, d))
    records, rejects = _split(open_source(folder))
    assert len(records) == lines - self_loops
    assert len(rejects) == self_loops > 0
    assert all("itself" in r.reason for r in rejects)
    ids = {r.fields["id"] for r in records}
    assert ids == expected_ids
    assert len(ids) < len(records)  # duplicate lines and second parents
    parents = {r.fields["parent_id"] for r in records} - {None}
    assert parents <= ids


def test_cascade_both_layouts_give_identical_records(fixtures: Path) -> None:
    def by_cascade(path: Path) -> dict[str, list[dict[str, object]]]:
        out: dict[str, list[dict[str, object]]] = defaultdict(list)
        for r in _split(open_source(path))[0]:
            out[str(r.fields["root_id"])].append(r.fields)
        return out

    folder = by_cascade(fixtures / "twitter15")
    flat = by_cascade(fixtures / "twitter15_cascades.csv.gz")
    assert len(folder) == 4
    labelled = (fixtures / "twitter15" / "label.txt").read_text("utf-8")
    for cascade in set(folder) - {line.split(":")[1] for line in labelled.split()}:
        # a tree missing from label.txt is still imported, with no label
        assert {f["cascade_label"] for f in folder[cascade]} == {None}
        for f in flat[cascade]:
            f["cascade_label"] = None
    assert folder == flat
    again = by_cascade(fixtures / "twitter15")
    assert again == folder  # deterministic order


def test_cascade_root_time_labels_and_root_not_first(fixtures: Path) -> None:
    records, _ = _split(open_source(fixtures / "twitter15"))
    roots = {r.fields["id"]: r.fields for r in records if r.fields["parent_id"] is None}
    assert set(roots) == {r.fields["root_id"] for r in records}
    for cascade, fields in roots.items():
        epoch = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)
        assert fields["created_at"] == epoch + timedelta(milliseconds=int(cascade) // 2**22)
        assert fields["relation"] == "original"
    labels = {r.fields["root_id"]: r.fields["cascade_label"] for r in records}
    label_file: dict[str, str] = {}
    for line in (fixtures / "twitter15/label.txt").read_text("utf-8").split():
        label, source = line.split(":")
        label_file[source] = label
    for cascade, label in labels.items():
        assert label == label_file.get(cascade)  # the unlabelled tree gives None
    assert None in labels.values()
    late = [r for r in records if r.fields["root_id"] == "514517213022543872"]
    assert late[0].fields["parent_id"] == "514517213022543872"  # ROOT line comes later
    assert all(r.fields["relation"] == "repost" for r in late if r.fields["parent_id"])


def test_cascade_bad_tree_line_and_missing_tree(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "label.txt").write_text("true:1000000000000000000\nfalse:42\nnonsense\n", "utf-8")
    (tmp_path / "tree" / "1000000000000000000.txt").write_text(
        "['ROOT', 'ROOT', '0.0']->['7', '1000000000000000000', '0.0']\n"
        "garbage line\n"
        "['7', '1000000000000000000', '0']->['8', '1000000000000000000', '1.50']\n",
        "utf-8",
    )
    records, rejects = _split(open_source(tmp_path))
    assert [(Path(r.path).name, r.line) for r in rejects] == [
        ("label.txt", 2),
        ("label.txt", 3),
        ("1000000000000000000.txt", 2),
    ]
    assert [r.fields["id"] for r in records] == [
        "1000000000000000000",
        "1000000000000000000/8/1000000000000000000/1.5",
    ]
    assert records[1].fields["parent_id"] == "1000000000000000000"  # '0' equals '0.0'
    assert records[1].line == 3


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e7, max_value=1e7))
def test_canonical_delay_round_trips(value: float) -> None:
    text = canonical_delay(repr(value))
    assert float(text) == value
    assert canonical_delay(text) == text
    assert canonical_delay(f"{value:.17f}") == text or float(f"{value:.17f}") != value


def test_canonical_delay_and_snowflake_edges() -> None:
    assert canonical_delay("0.0") == canonical_delay("0") == canonical_delay("-0.0") == "0"
    with pytest.raises(FieldError):
        canonical_delay("nan")
    assert snowflake_time("12345") is None  # a pre-snowflake sequential id
    assert snowflake_time("abc") is None


# ---------------------------------------------------------------------------- x-v2, twarc


def test_x_v2_page_against_json(fixtures: Path) -> None:
    page = json.loads((fixtures / "x_v2_page.json").read_text("utf-8"))
    records, rejects = _split(open_source(fixtures / "x_v2_page.json"))
    expected = [t["id"] for t in page["data"] + page["includes"]["tweets"]]
    assert [r.fields["id"] for r in records] == expected
    assert [r.field for r in rejects] == ["errors"] * len(page["errors"])
    first, retweet, reply, included = (r.fields for r in records)
    assert first["country"] == "US" and first["views"] == 5120
    assert first["hashtags"] == ["Election2022"]
    assert first["urls"] == ["https://apnews.com/hub/election-2022"]
    assert first["author_handle"] == "TwitterDev" and first["author_followers"] == 513962
    assert (retweet["relation"], retweet["parent_id"]) == ("repost", first["id"])
    assert (reply["relation"], reply["parent_id"], reply["lang"]) == ("reply", first["id"], None)
    assert reply["root_id"] == first["id"]
    assert included["relation"] == "original"


def test_x_v2_jsonl_rejects_the_bad_line(fixtures: Path) -> None:
    records, rejects = _split(open_source(fixtures / "x_v2_tweets.jsonl"))
    assert [r.line for r in records] == [1, 3, 5]
    assert [r.line for r in rejects] == [4]


def test_twarc_pages_and_flat_give_the_same_tweets(fixtures: Path) -> None:
    pages = [
        json.loads(x) for x in (fixtures / "twarc_pages.jsonl").read_text("utf-8").split("\n") if x
    ]
    page_records, _ = _split(open_source(fixtures / "twarc_pages.jsonl"))
    flat_records, _ = _split(open_source(fixtures / "twarc_flat.jsonl"))
    assert len(page_records) == sum(len(p["data"]) for p in pages)
    by_id = {r.fields["id"]: r.fields for r in page_records}
    for record in flat_records:  # embedded referenced tweets are repeated
        assert record.fields == by_id[record.fields["id"]]
    assert {r.fields["id"] for r in flat_records} == set(by_id)
    assert by_id["1610000000000000004"]["relation"] == "quote"
    assert by_id["1610000000000000004"]["mentions"] == ["pollwatcher"]


# ---------------------------------------------------------------------------------- 4cat


def test_4cat_twitter_export(fixtures: Path) -> None:
    path = fixtures / "twitterv2-election-4cat.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    records, rejects = _split(open_source(path))
    assert len(records) + len(rejects) == len(df)
    assert [r.field for r in rejects] == ["id"]
    assert {r.fields["platform"] for r in records} == {"x"}
    assert [r.fields["relation"] for r in records] == ["original", "repost", "reply"]
    assert records[2].fields["author_name"] == 'Carla, "the analyst"'
    assert records[2].fields["text"] == "@anna_votes any numbers from Fulton?\nAsking for a friend"
    assert records[0].fields["created_at"] == 1667938503
    assert records[1].fields["mentions"] == ["anna_votes"]


def test_4cat_platform_from_file_name_or_default(fixtures: Path, tmp_path: Path) -> None:
    records, _ = _split(open_source(fixtures / "reddit-politics-4cat.csv"))
    assert {r.fields["platform"] for r in records} == {"reddit"}
    assert records[0].fields["text"] == "Election megathread"  # the subject, body is blank
    plain = tmp_path / "export.csv"
    shutil.copy(fixtures / "reddit-politics-4cat.csv", plain)
    assert {r.fields["platform"] for r in _split(open_source(plain))[0]} == {"4cat"}


# ------------------------------------------------------------------------ native, mapping


def test_native_lists_and_blanks(fixtures: Path) -> None:
    records, _ = _split(open_source(fixtures / "native.csv"))
    assert [r.fields["hashtags"] for r in records] == [["vote"], None, ["a", "b"]]
    assert records[1].fields["parent_id"] == "109300000000000001"
    assert records[0].fields["parent_id"] is None


def test_mapping_from_toml_with_constants_and_paths(fixtures: Path) -> None:
    mapping = load_mapping(fixtures / "mapping.toml")
    source = open_source(fixtures / "tiktok.jsonl", mapping=mapping)
    assert source.format == "mapping"
    records, rejects = _split(source)
    assert rejects == []
    assert [r.fields["platform"] for r in records] == ["tiktok", "tiktok"]
    assert [r.fields["likes"] for r in records] == [10, None]
    assert records[0].fields["author_handle"] == "voter_one"


def test_mapping_json_file_and_errors(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"platform": "==x", "id": "id", "text": "body"}), "utf-8")
    records, _ = _split(
        open_source(fixtures / "reddit-politics-4cat.csv", mapping=load_mapping(path))
    )
    assert records[1].fields == {"platform": "=x", "id": "t1_iv1def", "text": "First!"}
    with pytest.raises(ImportFormatError, match=r"unknown canonical field.*colour"):
        open_source(fixtures / "native.csv", mapping={"platform": "=x", "id": "id", "colour": "c"})
    with pytest.raises(ImportFormatError, match=r"'missing_col'.*text"):
        open_source(
            fixtures / "native.csv", mapping={"platform": "=x", "id": "id", "text": "missing_col"}
        )
    with pytest.raises(ImportFormatError, match="must give id"):
        open_source(fixtures / "native.csv", mapping={"platform": "=x"})
    bad = tmp_path / "bad.toml"
    bad.write_text("platform = 3\n", "utf-8")
    with pytest.raises(ImportFormatError, match="flat table"):
        load_mapping(bad)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)))
def test_ira_dates_of_both_layouts_parse_back(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0, tzinfo=UTC)
    us = f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment.minute:02d}"
    assert parse_ira_date(us) == moment
    assert parse_ira_date(moment.strftime("%Y-%m-%d %H:%M:%S")) == moment


@pytest.mark.parametrize(
    ("text", "reason"),
    [("13/1/2017 10:00", "not a date"), ("2017-02-30 10:00:00", "not a date"), ("", "missing")],
)
def test_ira_bad_dates_are_field_errors(text: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_ira_date(text)
