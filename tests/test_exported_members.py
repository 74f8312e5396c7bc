"""The public API is exactly the exported names, and the exported names are the documented ones."""

from __future__ import annotations
import __future__

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

import agorascope

GUIDE = Path(__file__).parents[1] / "docs" / "python-api.md"
SUBPACKAGES = ["listen", "query", "elections", "districts", "report", "store"]


def _public_names(module: ModuleType) -> set[str]:
    """Names a user can reach on ``module`` without an underscore, submodules left out."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)  # ``from __future__ import annotations``
    }


def _documented_names() -> set[str]:
    """The names that open a list item of the guide (``- `name`: ...``)."""
    return set(re.findall(r"^- `(\w+)`", GUIDE.read_text(encoding="utf-8"), flags=re.M))


def test_every_public_name_is_exported() -> None:
    assert _public_names(agorascope) | {"__version__"} == set(agorascope.__all__)


def test_all_names_exist_once() -> None:
    assert len(agorascope.__all__) == len(set(agorascope.__all__))
    for name in agorascope.__all__:
        assert hasattr(agorascope, name), name


def test_exported_names_are_exactly_the_documented_ones() -> None:
    assert _documented_names() == set(agorascope.__all__)


@pytest.mark.parametrize("name", SUBPACKAGES, ids=SUBPACKAGES)
def test_subpackage_exports_are_its_public_names(name: str) -> None:
    package = importlib.import_module(f"agorascope.{name}")
    exported = package.__all__
    assert len(exported) == len(set(exported)), "a name is listed twice in __all__"
    missing = [n for n in exported if not hasattr(package, n)]
    assert not missing, f"in agorascope.{name}.__all__ but not defined: {missing}"
    unlisted = sorted(_public_names(package) - set(exported))
    assert not unlisted, f"public in agorascope.{name} but not in __all__: {unlisted}"


def test_errors_inherit_the_builtin_they_mean() -> None:
    assert issubclass(agorascope.InvalidInputError, ValueError)
    assert issubclass(agorascope.NotFoundError, LookupError)
    assert issubclass(agorascope.StoreError, RuntimeError)
    assert issubclass(agorascope.MissingExtraError, ImportError)
    for name in agorascope.__all__:
        obj = getattr(agorascope, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, agorascope.AgorascopeError)
