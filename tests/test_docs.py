"""The documentation keeps up with the code: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from agorascope.cli.app import app
from agorascope.config import Settings

DOCS = Path(__file__).parents[1] / "docs"


def _commands(cmd: object, prefix: str = "agorascope") -> list[str]:
    out = [prefix]
    subcommands = getattr(cmd, "commands", None)  # groups (Typer vendors its own click)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            out += _commands(sub, f"{prefix} {name}")
    return out


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_cli_reference(command: str) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert f"`{command}`" in text or f"## {command}" in text, f"{command} is not documented"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert f"AGORASCOPE_{name.upper()}" in text, f"setting {name} is not documented"
