"""The API reference page's content, read from the app's OpenAPI schema and its role guards.

FastAPI's Swagger UI and ReDoc load their scripts from a CDN, which is neither reachable
offline nor allowed by the pages' Content-Security-Policy; the dashboard renders this
reference itself instead (``/docs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from agorascope.api.deps import RoleGuard

__all__ = ["Operation", "Parameter", "api_reference", "required_role"]

_CONSTRAINTS = (
    ("minimum", ">= {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "<= {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "length >= {}"),
    ("maxLength", "length <= {}"),
    ("minItems", "items >= {}"),
    ("maxItems", "items <= {}"),
    ("pattern", "matches {}"),
)


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation (query, path, header, cookie or form field)."""

    name: str
    where: str
    type: str
    required: bool
    default: str | None
    constraints: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Operation:
    """One method on one path."""

    method: str
    path: str
    tag: str
    summary: str
    description: str
    role: str
    parameters: tuple[Parameter, ...]
    body: str | None
    responses: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def required_role(route: APIRoute) -> str | None:
    """The role a route's dependencies demand (None when it has no guard: public)."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, RoleGuard):
            return dep.call.role.name
        stack.extend(dep.dependencies)
    return None


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        found: dict[str, Any] = spec.get("components", {}).get("schemas", {}).get(ref[21:], {})
        return found
    return schema


def _type(schema: dict[str, Any]) -> str:
    """A short type name: ``integer``, ``string | null``, ``array of string``, ``Model``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_type(s) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if kind == "string" and (schema.get("format") == "binary" or "contentMediaType" in schema):
        return "file"
    return str(kind or "any")


def _constraints(schema: dict[str, Any]) -> tuple[str, ...]:
    out = [fmt.format(schema[key]) for key, fmt in _CONSTRAINTS if key in schema]
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, []):
            out.extend(_constraints(sub))
    if schema.get("type") == "array":
        out.extend(f"each {c}" for c in _constraints(schema.get("items", {})))
    return tuple(out)


def _parameter(name: str, where: str, schema: dict[str, Any], required: bool) -> Parameter:
    default = schema.get("default")
    return Parameter(
        name=name,
        where=where,
        type=_type(schema),
        required=required,
        default=None if default is None and "default" not in schema else repr(default),
        constraints=_constraints(schema),
        description=str(schema.get("description", "")),
    )


def _body(op: dict[str, Any], spec: dict[str, Any]) -> tuple[str | None, list[Parameter]]:
    """The request body's schema name; a form's fields become parameters."""
    content = op.get("requestBody", {}).get("content", {})
    for media, value in content.items():
        schema = value.get("schema", {})
        if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
            body = _resolve(schema, spec)
            required = set(body.get("required", []))
            fields = [
                _parameter(n, "form", s, n in required)
                for n, s in body.get("properties", {}).items()
            ]
            return media, fields
        return f"{_type(schema)} ({media})", []
    return None, []


def _responses(op: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for code, value in sorted(op.get("responses", {}).items()):
        schema = value.get("content", {}).get("application/json", {}).get("schema")
        out.append((str(code), _type(schema) if schema else str(value.get("description", ""))))
    return tuple(out)


def api_reference(app: FastAPI) -> list[Operation]:
    """Every documented operation of ``app``, by tag then path then method."""
    spec = app.openapi()
    roles = {
        (method, str(ctx.path)): required_role(ctx.original_route)
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, APIRoute)
        for method in ctx.original_route.methods or ()
    }
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            params = [
                _parameter(p["name"], p["in"], p.get("schema", {}), bool(p.get("required")))
                for p in op.get("parameters", [])
            ]
            body, fields = _body(op, spec)
            ops.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    tag=(op.get("tags") or ["other"])[0],
                    summary=str(op.get("summary", "")),
                    description=str(op.get("description", "")),
                    role=roles.get((method.upper(), path)) or "public",
                    parameters=tuple(params + fields),
                    body=body,
                    responses=_responses(op),
                )
            )
    return sorted(ops, key=lambda o: (o.tag, o.path, o.method))
