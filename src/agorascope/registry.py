"""Every analysis declared once: its parameters, its function and the schema of its rows.

A domain package declares its analyses in an ``analyses`` module::

    class TopAuthorsParams(Params):
        by: Literal["posts", "reach", "engagement"] = "posts"
        n: int = Field(10, ge=1, le=1000, description="How many authors.")

    @analysis("listen", "top-authors", params=TopAuthorsParams, row=AuthorRow)
    def _top_authors(ctx: Context, p: TopAuthorsParams) -> Output:
        \"\"\"Top authors by posts, reach or engagement received.\"\"\"
        return Output(top_authors(ctx.posts, *ctx.bounds, by=p.by, n=p.n))

and every adapter is generated from that declaration: ``ws.listen.top_authors(...)`` in
Python, ``agorascope listen top-authors`` on the command line, ``GET /api/listen/top-authors``
(typed ``Page[AuthorRow]`` in ``/openapi.json``) and the dashboard's analysis pages. Defaults
and checks live in the parameter model alone.

An analysis ``needs`` a *selection* (the posts of a topic or query in a time window, resolved
by :meth:`agorascope.Workspace.select`), a *window* alone (it selects its own topics, as share of
voice does), or only the *workspace* (e.g. an election forecast from bundled polls).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from agorascope._json import plain, records
from agorascope.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from agorascope.selection import Selection
    from agorascope.workspace import Workspace

__all__ = [
    "DOMAIN_MODULES",
    "Analysis",
    "Context",
    "Needs",
    "Output",
    "Params",
    "Result",
    "Row",
    "analyses",
    "analysis",
    "domains",
    "file_fields",
    "get",
    "parse_params",
    "row_of",
    "run",
]

DOMAIN_MODULES = (
    "agorascope.listen.analyses",
    "agorascope.listen.author_analyses",
    "agorascope.elections.analyses",
    "agorascope.districts.analyses",
    "agorascope.audience.analyses",
    "agorascope.audience.survey_analyses",
    "agorascope.audience.traits_analyses",
    "agorascope.audience.audit_analyses",
    "agorascope.voters.analyses",
    "agorascope.voters.experiments_analyses",
    "agorascope.voters.budget_analyses",
    "agorascope.opendata.analyses",
)
"""Modules whose import declares analyses (a new domain adds its module here)."""

Needs = Literal["selection", "window", "workspace"]

RESERVED = frozenset(
    {"topic", "query", "q", "since", "until", "limit", "offset", "json", "gexf", "format"}
)
"""Names the adapters use for the selection and paging: no parameter may take them."""


class Params(BaseModel):
    """Base of every analysis's parameter model (unknown names are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def writes(self) -> bool:
        """Whether a run with these values writes to the store (e.g. an audit entry): the
        command line then opens the store for writing."""
        return False


class Row(BaseModel):
    """Base of every analysis's row schema."""

    model_config = ConfigDict(extra="forbid")


def row_of(source: type, doc: str, **overrides: Any) -> type[Row]:
    """The row schema of a dataclass the domain already returns (its fields, one declaration).

    Args:
        source: the dataclass (e.g. a spike).
        doc: what one row is.
        overrides: field name -> the type it has in JSON (a nested dataclass as a dict).
    """
    import dataclasses
    import typing

    from pydantic import create_model

    hints = typing.get_type_hints(source)
    fields: dict[str, Any] = {
        f.name: (overrides.get(f.name, hints[f.name]), ...) for f in dataclasses.fields(source)
    }
    model: type[Row] = create_model(
        f"{source.__name__}Row", __base__=Row, __doc__=doc, __module__=source.__module__, **fields
    )
    return model


@dataclass
class Output:
    """What an analysis function returns.

    Attributes:
        rows: a frame or a list of dicts, one per row of the analysis's row schema.
        meta: a few values about the whole result (e.g. the window's totals).
        graph: a network (``networkx``) the adapters can write as GEXF, when there is one.
    """

    rows: pd.DataFrame | list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    graph: Any = None


@dataclass
class Context:
    """What an analysis function is given besides its parameters.

    Attributes:
        workspace: the session (store, read backend, index, settings).
        selection: the posts of a topic or query in a window (``needs="selection"``), else None.
        progress: whether long steps may draw a progress bar (CLI, not JSON).
    """

    workspace: Workspace
    selection: Selection | None = None
    progress: bool = False

    def _selection(self) -> Selection:
        if self.selection is None:
            raise InvalidInputError("this analysis needs a selection of posts")
        return self.selection

    @property
    def posts(self) -> Any:
        """The selected posts (an Ibis table of ``post_view`` rows, not yet windowed)."""
        return self._selection().posts

    @property
    def bounds(self) -> tuple[Any, Any]:
        """``(since, until)`` of the selection's window (naive UTC, either may be None)."""
        w = self._selection().window
        return w.since, w.until


AnalysisFn = Callable[[Context, Any], Output]


@dataclass(frozen=True)
class Analysis:
    """One declared analysis (see the module docstring).

    Attributes:
        domain: the domain package (``listen``, ``elections``...).
        name: the command and route name (``top-authors``).
        fn: ``fn(context, params) -> Output``.
        params: the parameter model (defaults, bounds, descriptions).
        row: the row schema.
        needs: ``selection`` (posts of a topic or query in a window), ``window`` or
            ``workspace``.
        summary: one line, from the function's docstring.
        description: the rest of the docstring.
        graph: whether the result carries a network (adapters offer GEXF).
        arguments: parameters given positionally on the command line.
    """

    domain: str
    name: str
    fn: AnalysisFn
    params: type[Params]
    row: type[Row]
    needs: Needs
    summary: str
    description: str
    graph: bool = False
    arguments: tuple[str, ...] = ()

    @property
    def attr(self) -> str:
        """The Python name (``top_authors``)."""
        return self.name.replace("-", "_")

    @property
    def path(self) -> str:
        """The REST path (``/api/listen/top-authors``)."""
        return f"/api/{self.domain}/{self.name}"


_REGISTRY: dict[str, dict[str, Analysis]] = {}
_loaded = False
F = TypeVar("F", bound=AnalysisFn)


def analysis(
    domain: str,
    name: str,
    *,
    params: type[Params],
    row: type[Row],
    needs: Needs = "selection",
    graph: bool = False,
    arguments: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Declare the decorated function as the analysis ``domain``/``name``.

    Raises:
        ValueError: the name is taken, or ``arguments`` names an unknown parameter.
    """

    def register(fn: F) -> F:
        doc = (fn.__doc__ or "").strip()
        summary, _, rest = doc.partition("\n")
        if not summary:
            raise ValueError(f"analysis {domain}/{name} needs a docstring")
        if name in _REGISTRY.get(domain, {}):
            raise ValueError(f"analysis {domain}/{name} is declared twice")
        names = {a.row.__name__: a.row for d in _REGISTRY.values() for a in d.values()}
        if names.get(row.__name__, row) is not row:
            raise ValueError(
                f"analysis {domain}/{name}: another row schema is named {row.__name__}"
            )
        taken = RESERVED & set(params.model_fields)
        if taken:
            raise ValueError(f"analysis {domain}/{name}: reserved parameter names {sorted(taken)}")
        unknown = set(arguments) - set(params.model_fields)
        if unknown:
            raise ValueError(f"analysis {domain}/{name}: unknown arguments {sorted(unknown)}")
        _REGISTRY.setdefault(domain, {})[name] = Analysis(
            domain, name, fn, params, row, needs, summary.strip(), rest.strip(), graph, arguments
        )
        return fn

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in DOMAIN_MODULES:
            importlib.import_module(module)
        _loaded = True


def domains() -> list[str]:
    """The domains that declare analyses, in the order of :data:`DOMAIN_MODULES` (whichever
    module happened to be imported first)."""
    _load()
    rank = {m.split(".")[1]: i for i, m in enumerate(DOMAIN_MODULES)}
    return sorted(_REGISTRY, key=lambda d: (rank.get(d, len(rank)), d))


def analyses(domain: str | None = None) -> list[Analysis]:
    """Every declared analysis, or those of ``domain``."""
    _load()
    if domain is not None:
        return _ordered(_REGISTRY.get(domain, {}).values())
    return [a for d in domains() for a in _ordered(_REGISTRY[d].values())]


def _ordered(found: Iterable[Analysis]) -> list[Analysis]:
    """In the order of :data:`DOMAIN_MODULES`, then of declaration (whatever was imported
    first, so that lists, commands and docs never depend on import order)."""
    rank = {m: i for i, m in enumerate(DOMAIN_MODULES)}
    return sorted(found, key=lambda a: rank.get(a.fn.__module__, len(rank)))


def get(domain: str, name: str) -> Analysis:
    """The analysis ``domain``/``name``.

    Raises:
        NotFoundError: no such analysis (the message lists the domain's analyses).
    """
    _load()
    found = _REGISTRY.get(domain, {}).get(name) or _REGISTRY.get(domain, {}).get(
        name.replace("_", "-")
    )
    if found is None:
        known = ", ".join(_REGISTRY.get(domain, {})) or "none"
        raise NotFoundError(f"no analysis {name!r} in {domain!r} (known: {known})")
    return found


def file_fields(spec: Analysis) -> list[str]:
    """The parameters of ``spec`` that name files (``Path`` fields, optional or not)."""
    import typing
    from pathlib import Path

    out = []
    for name, f in spec.params.model_fields.items():
        args = typing.get_args(f.annotation) or (f.annotation,)
        if any(isinstance(a, type) and issubclass(a, Path) for a in args):
            out.append(name)
    return out


def _field_label(loc: tuple[Any, ...]) -> str:
    return ".".join(str(x) for x in loc) or "parameters"


def parse_params(spec: Analysis, values: Mapping[str, Any]) -> Params:
    """The parameter model of ``spec`` from ``values`` (None means "use the default").

    Raises:
        InvalidInputError: a value is out of bounds or of the wrong type, or a name is
            unknown; the message names each parameter and what it accepts.
    """
    given = {k: v for k, v in values.items() if v is not None}
    try:
        return spec.params.model_validate(given)
    except ValidationError as e:
        problems = "; ".join(
            f"{_field_label(err['loc'])}: {err['msg']}" for err in e.errors(include_url=False)
        )
        raise InvalidInputError(f"{spec.domain} {spec.name}: {problems}") from e


@dataclass
class Result:
    """The rows of one run of an analysis, with what produced them.

    Attributes:
        analysis: the declaration.
        params: the parameters used (defaults filled in).
        selection: the selection's name, query and window (None for workspace analyses).
        rows: JSON-ready dicts that follow the row schema.
        meta: values about the whole result.
        graph: the network, for analyses that build one.
    """

    analysis: Analysis
    params: Params
    selection: dict[str, Any] | None
    rows: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    graph: Any = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def page(self, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
        """``{items, total, limit, offset, meta}``: the shape of every REST answer."""
        end = None if limit is None else offset + limit
        return {
            "items": self.rows[offset:end],
            "total": len(self.rows),
            "limit": limit,
            "offset": offset,
            "meta": self.meta,
        }

    def to_pandas(self) -> pd.DataFrame:
        """The rows as a frame, with the row schema's columns in order."""
        return pd.DataFrame(self.rows, columns=list(self.analysis.row.model_fields))

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready."""
        return {
            "analysis": f"{self.analysis.domain}/{self.analysis.name}",
            "params": self.params.model_dump(mode="json"),
            "selection": self.selection,
            **self.page(),
        }


def _rows(spec: Analysis, out: Output) -> list[dict[str, Any]]:
    raw = records(out.rows) if isinstance(out.rows, pd.DataFrame) else plain(out.rows)
    adapter: TypeAdapter[list[Any]] = TypeAdapter(list[spec.row])  # type: ignore[name-defined]
    try:
        validated = adapter.validate_python(raw)
    except ValidationError as e:  # a bug in the analysis, not in the user's input
        raise TypeError(f"{spec.domain}/{spec.name} broke its row schema: {e}") from e
    return [r.model_dump(mode="json") for r in validated]


def run(
    spec: Analysis,
    workspace: Workspace,
    params: Params | Mapping[str, Any],
    *,
    selection: Selection | None = None,
    progress: bool = False,
) -> Result:
    """Run ``spec`` and check its rows against the row schema.

    Args:
        spec: the analysis.
        workspace: the session.
        params: a parameter model, or values for it.
        selection: the posts (required when ``spec.needs == "selection"``).
        progress: allow progress bars.

    Raises:
        InvalidInputError: bad parameters, or a selection is missing.
    """
    p = params if isinstance(params, spec.params) else parse_params(spec, dict(params))
    if spec.needs != "workspace" and selection is None:
        raise InvalidInputError(f"{spec.domain} {spec.name} needs a selection of posts")
    out = spec.fn(Context(workspace, selection, progress), p)
    described = selection.describe() if selection is not None else None
    return Result(spec, p, described, _rows(spec, out), plain(out.meta), out.graph)


def _type_name(annotation: Any) -> str:
    import typing

    origin = typing.get_origin(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    text = getattr(annotation, "__name__", None) if origin is None else None
    return text or str(annotation).replace("typing.", "").replace("|", "\\|")


def markdown() -> str:
    """The reference of every analysis (``docs/analyses.md`` is this text; a test checks)."""
    lines = [
        "# Analyses",
        "",
        "Generated from the registry (`agorascope analyses --markdown > docs/analyses.md`).",
        "Each analysis is `ws.<domain>.<name>()` in Python, `agorascope <domain> <name>` on the",
        "command line and `GET /api/<domain>/<name>` over HTTP, with the same parameters and",
        "defaults. Analyses that need a *selection* also take `topic`/`query`",
        "(`--topic`/`--query`, `topic`/`q`) and `since`/`until`; *window* analyses take",
        "`since`/`until` only.",
        "",
    ]
    for domain in domains():
        lines += [f"## {domain}", ""]
        for a in analyses(domain):
            lines += [f"### {domain} {a.name}", "", a.summary, ""]
            if a.description:
                lines += [a.description, ""]
            lines += [f"Needs: {a.needs}." + (" Writes GEXF (`--gexf`)." if a.graph else ""), ""]
            if a.params.model_fields:
                lines += ["| parameter | type | default | meaning |", "|---|---|---|---|"]
                for name, f in a.params.model_fields.items():
                    default = "required" if f.is_required() else f"`{f.default}`"
                    kind = _type_name(f.annotation)
                    lines.append(f"| `{name}` | {kind} | {default} | {f.description or ''} |")
                lines.append("")
            cols = ", ".join(f"`{c}`" for c in a.row.model_fields)
            lines += [f"Rows: {(a.row.__doc__ or '').strip()} Columns: {cols}.", ""]
    return "\n".join(lines).rstrip() + "\n"
