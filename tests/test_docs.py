"""The documentation keeps up with the code: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from agorascope import registry
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


ANALYSES = {f"agorascope {a.domain} {a.name}" for a in registry.analyses()}


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in ANALYSES])
def test_every_command_is_in_the_cli_reference(command: str) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert f"`{command}`" in text or f"## {command}" in text, f"{command} is not documented"


def test_the_analyses_reference_is_generated_from_the_registry() -> None:
    """docs/analyses.md documents every analysis, parameter and column (regenerate it with
    ``agorascope analyses --markdown > docs/analyses.md``)."""
    assert (DOCS / "analyses.md").read_text(encoding="utf-8") == registry.markdown()


@pytest.mark.parametrize("spec", registry.analyses(), ids=lambda a: f"{a.domain}-{a.name}")
def test_every_analysis_is_a_command_and_has_a_described_parameter_set(
    spec: registry.Analysis,
) -> None:
    assert f"agorascope {spec.domain} {spec.name}" in COMMANDS
    for name, field in spec.params.model_fields.items():
        assert field.description, f"{spec.domain} {spec.name}: parameter {name} has no description"
    assert spec.row.__doc__, f"{spec.domain} {spec.name}: the row schema has no docstring"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert f"AGORASCOPE_{name.upper()}" in text, f"setting {name} is not documented"


def test_the_domain_order_does_not_depend_on_what_was_imported_first() -> None:
    import subprocess
    import sys

    code = (
        "import agorascope.districts.analyses, agorascope.elections.analyses;"
        "import agorascope.audience.traits_analyses;"
        "from agorascope import registry; print([(a.domain, a.name) for a in registry.analyses()])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str([(a.domain, a.name) for a in registry.analyses()])
