"""The public names of agorascope.listen are exactly the documented ones."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

import agorascope.listen as listen
from agorascope import registry
from agorascope.cli import app

DOC = Path(__file__).parents[2] / "docs" / "listen.md"


def _section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_exported_names_are_the_documented_ones() -> None:
    documented = set(re.findall(r"`([A-Za-z_]+)`", _section("Python API")))
    assert set(listen.__all__) == documented
    for name in listen.__all__:
        assert getattr(listen, name) is not None


def test_every_command_is_documented() -> None:
    group = typer.main.get_group(app)
    commands = set(group.commands["listen"].commands)  # type: ignore[attr-defined]
    documented = set(re.findall(r"`agorascope listen ([a-z-]+)", DOC.read_text()))
    assert commands == documented == {a.name for a in registry.analyses("listen")}
    assert len(commands) == 19
