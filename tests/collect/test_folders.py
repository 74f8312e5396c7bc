"""Folders: every file inside is imported, checked before anything is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import agorascope
from agorascope.collect.presets import expand_paths
from agorascope.errors import ImportFormatError
from agorascope.listen import build_cascades

SOURCE = Path(__file__).parent / "fixtures" / "x_v1" / "pheme_source_tweet.json"


def _thread(root: Path) -> Path:
    """A PHEME-like thread: the source tweet, one reply, and a hidden file to skip."""
    thread = root / "thread"
    (thread / "source-tweet").mkdir(parents=True)
    (thread / "reactions").mkdir()
    shutil.copy(SOURCE, thread / "source-tweet" / SOURCE.name)
    status = json.loads(SOURCE.read_text("utf-8"))
    reply = {**status, "id_str": "999", "id": 999, "in_reply_to_status_id_str": status["id_str"]}
    reply.pop("full_text", None)
    reply["text"] = "@someone a reply"
    (thread / "reactions" / "999.json").write_text(json.dumps(reply), "utf-8")
    (thread / ".DS_Store").write_bytes(b"\x00\x01binary")
    return thread


def test_a_thread_folder_imports_every_status_and_rebuilds_its_cascade(tmp_path: Path) -> None:
    thread = _thread(tmp_path)
    assert [p.name for p in expand_paths([thread])] == ["999.json", SOURCE.name]
    ws = agorascope.open(tmp_path / "w.duckdb")
    summary = ws.import_files([thread], index=False)
    assert [(f.format, f.imported) for f in summary.files] == [("x-v1", 1), ("x-v1", 1)]
    source_id = json.loads(SOURCE.read_text("utf-8"))["id_str"]
    rows = ws.store.execute("SELECT id, relation, parent_id FROM posts ORDER BY id")
    assert sorted(rows) == sorted([("999", "reply", source_id), (source_id, "original", None)])
    forest = build_cascades(ws.posts())
    assert forest.n_cascades == 1 and len(forest.nodes) == 2
    ws.close()


def test_a_bad_file_in_a_folder_stops_the_import_before_anything_is_written(
    tmp_path: Path,
) -> None:
    thread = _thread(tmp_path)
    (thread / "notes.txt").write_text("hello\n", "utf-8")
    ws = agorascope.open(tmp_path / "w.duckdb")
    with pytest.raises(ImportFormatError, match=r"notes\.txt"):
        ws.import_files([thread], index=False)
    assert ws.store.execute("SELECT count(*) FROM posts") == [(0,)]
    assert ws.store.execute("SELECT count(*) FROM imports") == [(0,)]
    ws.close()


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty" / ".hidden").mkdir(parents=True)
    with pytest.raises(ImportFormatError, match="no file to import"):
        expand_paths([tmp_path / "empty"])


def test_a_cascade_tree_folder_stays_one_source(tmp_path: Path) -> None:
    trees = tmp_path / "t15"
    (trees / "tree").mkdir(parents=True)
    (trees / "label.txt").write_text("false:1001\n", "utf-8")
    (trees / "tree" / "1001.txt").write_text(
        "['ROOT', 'ROOT', '0.0']->['u1', '1001', '0.0']\n"
        "['u1', '1001', '0.0']->['u2', '1001', '2.5']\n",
        "utf-8",
    )
    assert expand_paths([trees]) == [trees]
    assert expand_paths([trees], "cascade-trees") == [trees]
