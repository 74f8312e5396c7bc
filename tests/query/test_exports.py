"""The public names of agorascope.query are exactly the documented ones."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import agorascope.query

DOC = Path(__file__).parents[2] / "docs" / "query.md"


def test_exported_names_are_documented() -> None:
    names = set(agorascope.query.__all__)
    public = {
        n
        for n, v in vars(agorascope.query).items()
        if not n.startswith("_") and not isinstance(v, ModuleType) and n != "annotations"
    }
    assert names == public
    documented = set(re.findall(r"^### `(\w+)`", DOC.read_text(), flags=re.MULTILINE))
    assert documented == names


def test_cli_commands_are_documented() -> None:
    text = DOC.read_text()
    for command in (
        "agorascope search",
        "agorascope index --check",
        "agorascope index --rebuild",
        "agorascope topic add",
        "agorascope topic list",
        "agorascope topic remove",
    ):
        assert command in text
