"""The one error tree of agorascope.

Every error the library raises on purpose is an :class:`AgorascopeError`. Subclasses also
inherit the built-in exception they mean, so ``except ValueError`` keeps working::

    AgorascopeError
    ├── InvalidInputError (ValueError)        bad data or arguments from a user or a file
    │   ├── ImportFormatError                 a file that no importer can read as asked
    │   ├── QuerySyntaxError                  a boolean query that does not parse (has a caret)
    │   ├── QueryTooBroadError                a query whose wildcards or proximity cost too much
    │   ├── AudienceTooSmallError             an audience below the minimum size (results withheld)
    │   └── UnsafeURLError                    a URL pointing at loopback / private addresses
    ├── NotFoundError (LookupError)           a topic, token, plan, ... that does not exist
    ├── PermissionDeniedError (PermissionError)  a caller without the role an action needs
    ├── StoreError (RuntimeError)             the store failed (wraps backend errors ``from e``)
    │   ├── MigrationError                    the schema cannot be brought up to date
    │   └── IndexCorruptError                 the full-text index disagrees with the store
    ├── MissingExtraError (ImportError)       an optional extra (spark, geo) is not installed
    ├── ComputationError (RuntimeError)       an analysis that cannot produce a valid answer
    └── QueryTimeoutError (TimeoutError)      a query or analysis cancelled at its time budget

The API maps these classes to HTTP status codes in one handler.
"""

from __future__ import annotations

__all__ = [
    "AgorascopeError",
    "AudienceTooSmallError",
    "ComputationError",
    "ImportFormatError",
    "IndexCorruptError",
    "InvalidInputError",
    "MigrationError",
    "MissingExtraError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "QueryTooBroadError",
    "StoreError",
    "UnsafeURLError",
]


class AgorascopeError(Exception):
    """Root of every error agorascope raises on purpose."""


class InvalidInputError(ValueError, AgorascopeError):
    """Bad data or arguments coming from a user or a file."""


class ImportFormatError(InvalidInputError):
    """A file cannot be read in the requested (or detected) format."""


class QuerySyntaxError(InvalidInputError):
    """A boolean query does not parse.

    Attributes:
        query: the query text.
        position: 0-based column of the problem.
        expected: what the parser expected there.
    """

    def __init__(self, message: str, query: str = "", position: int = 0, expected: str = ""):
        self.query = query
        self.position = position
        self.expected = expected
        self.reason = message
        super().__init__(self._render(message))

    def _render(self, message: str) -> str:
        if not self.query:
            return message
        caret = " " * self.position + "^"
        return f"{message} at column {self.position + 1}\n  {self.query}\n  {caret}"


class AudienceTooSmallError(InvalidInputError):
    """An audience has fewer authors than the minimum size: its results are withheld.

    Attributes:
        name: the audience's name.
        size: its number of authors.
        min_size: the minimum size asked for.
    """

    def __init__(self, name: str, size: int, min_size: int):
        self.name = name
        self.size = size
        self.min_size = min_size
        super().__init__(
            f"audience {name!r} has {size} author(s), fewer than min_size={min_size}: results "
            "are withheld (widen the topic or the window, or lower min_size)"
        )


class UnsafeURLError(InvalidInputError):
    """A URL resolves to a loopback, private or otherwise forbidden address."""


class NotFoundError(LookupError, AgorascopeError):
    """A named object (topic, token, plan, ...) does not exist."""


class PermissionDeniedError(PermissionError, AgorascopeError):
    """The caller lacks the role the action needs."""


class StoreError(RuntimeError, AgorascopeError):
    """The store failed; the backend error is chained as ``__cause__``.

    Attributes:
        query: the SQL or expression that failed, when there is one.
    """

    def __init__(self, message: str, query: str | None = None):
        self.query = query
        super().__init__(message if query is None else f"{message}\n  query: {query}")


class MigrationError(StoreError):
    """The store schema cannot be brought up to date."""


class IndexCorruptError(StoreError):
    """The full-text index is inconsistent with the store."""


class MissingExtraError(ImportError, AgorascopeError):
    """An optional dependency group is not installed."""

    def __init__(self, extra: str, module: str):
        self.extra = extra
        super().__init__(
            f"this feature needs the '{extra}' extra (module {module!r} is missing): "
            f"pip install 'agorascope[{extra}]'"
        )


class ComputationError(RuntimeError, AgorascopeError):
    """An analysis cannot produce a valid answer from its input."""


class QueryTooBroadError(InvalidInputError):
    """A query whose wildcards or proximity would cost more work than allowed.

    Attributes:
        part: the part of the query that is too broad (as the user could write it).
    """

    def __init__(self, message: str, part: str = ""):
        self.part = part
        super().__init__(message)


class QueryTimeoutError(TimeoutError, AgorascopeError):
    """A query or analysis was cancelled because it ran past its time budget.

    Attributes:
        seconds: the budget that ran out.
    """

    def __init__(self, seconds: float, what: str = "the query"):
        self.seconds = seconds
        super().__init__(
            f"{what} was cancelled after its time budget of {seconds:g} s: narrow the query or "
            "the window (or raise AGORASCOPE_QUERY_TIMEOUT)"
        )
