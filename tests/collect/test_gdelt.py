"""GDELT presets on real files: counts, dates, countries checked against pandas and pycountry."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from agorascope.collect.names import resolve_country
from agorascope.collect.pipeline import import_paths
from agorascope.collect.presets import Record, Reject, detect_format, open_source
from agorascope.config import Settings
from agorascope.errors import ImportFormatError
from agorascope.store.store import Store

DATA = Path(__file__).parents[1] / "data" / "gdelt"
EVENTS = DATA / "20191024143000.export.CSV"
GKG = DATA / "20211021000000.gkg.csv"


def _events_frame() -> pd.DataFrame:
    return pd.read_csv(EVENTS, sep="\t", header=None, dtype=str, quoting=3, keep_default_na=False)


def test_detection() -> None:
    assert detect_format(EVENTS) == "gdelt-events"
    assert detect_format(GKG) == "gdelt-gkg"


def test_events_import_counts_dates_and_urls_equal_pandas(tmp_path: Path) -> None:
    df = _events_frame()
    assert df.shape == (200, 61)
    store = Store.open(tmp_path / "s.duckdb")
    try:
        summary = import_paths(store, [EVENTS], settings=Settings(db=tmp_path / "s.duckdb"))
        rows = store.execute(
            "SELECT id, created_at, url, country, author_id, hashtags FROM posts ORDER BY id"
        )
    finally:
        store.close()
    f = summary.files[0]
    assert (f.format, f.read, f.imported, f.rejected) == ("gdelt-events", 200, 200, 0)
    assert [r[0] for r in rows] == sorted(df[0])
    by_id = df.set_index(0)
    for post_id, created, url, _, author, tags in rows:
        src = by_id.loc[post_id]
        assert created == pd.to_datetime(src[59], format="%Y%m%d%H%M%S").to_pydatetime()
        assert url == src[60]
        assert author == src[60].split("/")[2].split(":")[0].lower().removeprefix("www.")
        assert f"cameo_{src[26]}" in tags


def test_event_countries_agree_with_the_place_names(tmp_path: Path) -> None:
    """FIPS codes become ISO codes: checked against the country named at the end of
    ActionGeo_FullName, read by pycountry's names (an independent route)."""
    df = _events_frame()
    records = {r.fields["id"]: r.fields["country"] for r in open_source(EVENTS)
               if isinstance(r, Record)}  # fmt: skip
    checked = 0
    for _, row in df.iterrows():
        place, fips = row[52], row[53]
        if not fips:
            assert records[row[0]] is None
            continue
        by_name = resolve_country(place.rsplit(",", 1)[-1].strip())
        if by_name is not None:
            assert records[row[0]] == by_name, (fips, place)
            checked += 1
    assert checked >= 150  # GM (Germany), UK, IN (India), JA (Japan) among them


def test_gkg_record() -> None:
    (record,) = [r for r in open_source(GKG)]
    assert isinstance(record, Record)
    cells = GKG.read_text(encoding="utf-8").rstrip("\n").split("\t")
    f = record.fields
    assert f["id"] == "20211021000000-0" and f["author_id"] == "bryantimes.com"
    assert f["country"] == "US" and f["lang"] == "en"
    assert f["text"] == "Brown supporting child suicide prevention bill"
    assert f["hashtags"] == [t for t in cells[7].split(";") if t]


def test_gkg_import(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.duckdb")
    try:
        summary = import_paths(store, [GKG], settings=Settings(db=tmp_path / "s.duckdb"))
        (row,) = store.execute("SELECT created_at, country, hashtags FROM posts")
    finally:
        store.close()
    assert summary.files[0].imported == 1
    assert row[0] == datetime(2021, 10, 21) and row[1] == "US"
    assert "tax_fncact_child" in row[2]


def test_a_ragged_row_is_rejected_with_its_line(tmp_path: Path) -> None:
    lines = EVENTS.read_text(encoding="utf-8").splitlines()[:3]
    lines[1] = "\t".join(lines[1].split("\t")[:40])
    path = tmp_path / "cut.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(open_source(path, "gdelt-events"))
    rejects = [r for r in out if isinstance(r, Reject)]
    assert [(r.line, r.reason) for r in rejects] == [(2, "40 tab-separated cells, expected 61")]


def test_a_file_of_another_width_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="reads 61 tab-separated columns"):
        open_source(GKG, "gdelt-events")


def test_gkg_translingual_language_and_most_named_country(tmp_path: Path) -> None:
    cells = GKG.read_text(encoding="utf-8").rstrip("\n").split("\t")
    cells[25] = "srclc:fra;eng:GT-FRA 1.0"
    cells[9] = (
        "1#France#FR#FR#46#2#FR;4#Paris, France#FR#FR04#48.8#2.3#-1456928;1#Germany#GM#GM#51#9#GM"
    )
    path = tmp_path / "20211021000000.translation.gkg.csv"
    path.write_text("\t".join(cells) + "\n", encoding="utf-8")
    (record,) = list(open_source(path))
    assert isinstance(record, Record)
    from agorascope.collect.normalize import normalize

    post = normalize(record.fields).post
    assert post["lang"] == "fr" and post["country"] == "FR"  # FIPS FR is France, GM Germany
