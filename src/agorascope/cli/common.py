"""Helpers shared by the command modules: settings, JSON output and error display."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape

from agorascope.config import Settings
from agorascope.errors import AgorascopeError

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = [
    "State",
    "UnwrappedConsole",
    "console",
    "err_console",
    "fail_on_errors",
    "print_json",
    "run_guarded",
    "settings_from",
    "workspace_from",
]

_PIPED_WIDTH = 100_000
"""Width of a console whose output is not a terminal: wide enough never to fold a table."""


class UnwrappedConsole(Console):
    """A Rich console that neither wraps nor crops when its output is not a terminal.

    On a terminal it behaves as Rich does (wrapped at the terminal's width). Piped or captured,
    text is never folded (a long path stays on one line, whatever ``COLUMNS`` says) and tables
    take their natural width instead of truncating cells.
    """

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size, or a width that wraps nothing when the output is not one."""
        size = super().size
        return size if self.is_terminal else ConsoleDimensions(_PIPED_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size

    @property
    def soft_wrap(self) -> bool:
        """Whether ``print`` leaves lines unwrapped: always when not on a terminal."""
        return self._soft_wrap or not self.is_terminal

    @soft_wrap.setter
    def soft_wrap(self, value: bool) -> None:
        self._soft_wrap = value


console = UnwrappedConsole()
err_console = UnwrappedConsole(stderr=True)


@dataclass
class State:
    """Options given before the sub-command (``agorascope --db F import ...``)."""

    db: Path | None = None


def settings_from(ctx: typer.Context) -> Settings:
    """Build the Settings for this invocation: ``--db`` wins over ``AGORASCOPE_DB``."""
    state = ctx.find_root().obj
    settings = Settings()
    if isinstance(state, State) and state.db is not None:
        settings = settings.model_copy(update={"db": state.db})
    return settings


def workspace_from(ctx: typer.Context, *, read_only: bool = False) -> Workspace:
    """The workspace of this invocation (its settings from :func:`settings_from`)."""
    from agorascope.workspace import Workspace

    return Workspace(settings_from(ctx), read_only=read_only)


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def print_json(data: Any) -> None:
    """Write ``data`` as JSON on standard output (machines read this)."""
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def fail_on_errors() -> Iterator[None]:
    """Turn library errors into a red message and exit code 1 (no traceback)."""
    try:
        yield
    except AgorascopeError as e:
        # the message may quote user input (a query with [brackets]): never parse it as markup
        err_console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(1) from e


def run_guarded(app: typer.Typer, argv: list[str] | None = None) -> None:
    """Run the command line; an unexpected error is one line on standard error (exit 2).

    With ``--debug`` among the arguments (or ``AGORASCOPE_DEBUG=1``) the traceback is shown
    instead. Library errors are already one line (:func:`fail_on_errors`).
    """
    import os

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("AGORASCOPE_DEBUG", "") not in ("", "0")
    try:
        app(args=args)
    except AgorascopeError as e:
        if debug:
            raise
        err_console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        raise SystemExit(1) from None
    except Exception as e:
        if debug:
            raise
        first = (str(e).splitlines() or [""])[0][:300]
        err_console.print(
            f"[red]error:[/red] unexpected {type(e).__name__}: {escape(first)} "
            "(run again with --debug for the traceback)",
            highlight=False,
        )
        raise SystemExit(2) from None
