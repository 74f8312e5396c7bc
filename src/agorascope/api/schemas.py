"""Request and response bodies (Base / Create / Update / Public families)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ErrorBody",
    "ErrorPublic",
    "HealthPublic",
    "ImportPublic",
    "PagePublic",
    "PrincipalPublic",
    "TokenCreate",
    "TokenCreated",
    "TokenPublic",
    "TopicBase",
    "TopicCreate",
    "TopicPreviewPublic",
    "TopicPublic",
    "TopicUpdate",
]

RoleName = Literal["viewer", "analyst", "admin"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """What went wrong: the library error class, its message and details."""

    type: str = Field(description="Error class, e.g. QuerySyntaxError.")
    message: str
    status: int
    detail: dict[str, Any] = Field(default_factory=dict)


class ErrorPublic(BaseModel):
    """Every error response."""

    error: ErrorBody


class HealthPublic(BaseModel):
    """The server is up."""

    status: Literal["ok"]
    version: str


class PrincipalPublic(BaseModel):
    """Who the caller is."""

    name: str
    role: RoleName
    token_id: str | None


class PagePublic(BaseModel):
    """One page of a list."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class TopicBase(_Strict):
    """A saved query."""

    query: str = Field(min_length=1, max_length=2000, description="Boolean query.")
    description: str | None = Field(None, max_length=1000)
    tags: list[str] | None = Field(
        None, max_length=20, description="Labels grouping topics on the overview."
    )


class TopicCreate(TopicBase):
    """A new topic."""

    name: str = Field(min_length=1, max_length=100)


class TopicUpdate(TopicBase):
    """A topic's new query, description and tags (kept when left out), and its new name."""

    name: str | None = Field(
        None, min_length=1, max_length=100, description="Rename the topic (must be free)."
    )


class TopicPublic(TopicBase):
    """A topic as stored."""

    name: str
    created_at: str | None
    updated_at: str | None


class TopicPreviewPublic(BaseModel):
    """What a query would select, before it is saved as a topic."""

    query: str
    posts: int = Field(description="Posts the query selects (in the window, if one is given).")
    since: str | None
    until: str | None
    sample: list[dict[str, Any]] = Field(description="The newest matching posts.")


class TokenBase(_Strict):
    """An API token's role and label."""

    role: RoleName = "viewer"
    name: str | None = Field(None, max_length=100)


class TokenCreate(TokenBase):
    """A token to create."""

    lifetime_days: float | None = Field(
        None, gt=0, le=36_500, description="Days until it expires (default: the server's)."
    )


class TokenPublic(TokenBase):
    """A stored token (never its secret)."""

    id: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None
    expires_at: str | None = None


class TokenCreated(TokenPublic):
    """A new token: the ``token`` text is shown this once."""

    token: str


class ImportPublic(BaseModel):
    """What an import did, file by file."""

    files: list[dict[str, Any]]
    totals: dict[str, Any]
