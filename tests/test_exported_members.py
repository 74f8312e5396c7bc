"""The public API is exactly the documented names."""

from __future__ import annotations

import agorascope


def test_all_names_exist() -> None:
    for name in agorascope.__all__:
        assert hasattr(agorascope, name), name


def test_exported_names_are_documented_in_the_api_guide() -> None:
    from pathlib import Path

    guide = (Path(__file__).parents[1] / "docs" / "python-api.md").read_text()
    for name in agorascope.__all__:
        if name.startswith("__"):
            continue
        assert f"`{name}`" in guide, f"{name} is exported but not in docs/python-api.md"


def test_errors_inherit_the_builtin_they_mean() -> None:
    assert issubclass(agorascope.InvalidInputError, ValueError)
    assert issubclass(agorascope.NotFoundError, LookupError)
    assert issubclass(agorascope.StoreError, RuntimeError)
    assert issubclass(agorascope.MissingExtraError, ImportError)
    for name in agorascope.__all__:
        obj = getattr(agorascope, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, agorascope.AgorascopeError)
