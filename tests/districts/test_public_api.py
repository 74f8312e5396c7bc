"""The exported names are exactly the ones the user guide documents."""

from __future__ import annotations

import re
from pathlib import Path

import agorascope.districts as districts

DOC = Path(__file__).resolve().parents[2] / "docs" / "districts.md"


def test_exported_names_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^- `([A-Za-z_]+)`", section, flags=re.M))
    assert documented == set(districts.__all__)


def test_every_cli_command_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for command in ("check", "metrics", "ensemble", "report"):
        assert f"agorascope districts {command}" in text
