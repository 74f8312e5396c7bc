"""The access package (GDPR art. 15, CCPA right to know): everything held about a person.

``agorascope privacy access IDENTIFIER --out DIR`` writes into ``DIR``:

- ``records.json``: every record by place, each with its source, legal basis and consent
  status (``_source``, ``_legal_basis``, ``_consent_status``);
- ``<place>.csv``: the same records, one file per place that holds any;
- ``index.html``: a readable summary, self-contained (no script, no external file) and
  escaped (the records are hostile text).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment

from agorascope.privacy.consent import source_bases
from agorascope.privacy.file_places import record_export
from agorascope.privacy.requests import Found, find, finish_request, start_request

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = ["AccessPackage", "access", "access_payload"]

_PLACE_SOURCES = {"posts": "source"}
"""Column naming a record's source, per place (others: their place's own basis)."""
_OWN_BASIS = {
    "privacy_records": ("agorascope privacy requests", "legal_obligation"),
    "audit_log": ("agorascope audit trail", "legal_obligation"),
}

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Personal data held by agorascope</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;
margin-bottom:2em}td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;text-align:left;
font-size:.9em}caption{text-align:left;font-weight:bold;margin:.5em 0}</style></head><body>
<h1>Personal data held about {{ identifier }}</h1>
<p>Generated {{ generated }}. Request {{ request }}. Accounts:
{% for a in accounts %}{{ a.platform }}/{{ a.author_id }}{% if not loop.last %}, {% endif %}
{% else %}none{% endfor %}.</p>
<table><caption>Summary</caption><tr><th>place</th><th>what it is</th><th>records</th></tr>
{% for p in places %}<tr><td>{{ p.name }}</td><td>{{ p.description }}</td>
<td>{{ p.count }}</td></tr>{% endfor %}</table>
{% for p in places if p.records %}
<table><caption>{{ p.name }} ({{ p.count }})</caption>
<tr>{% for c in p.columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for r in p.records %}<tr>{% for c in p.columns %}<td>{{ r.get(c) }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endfor %}
</body></html>
"""


@dataclass
class AccessPackage:
    """Where an access package was written and what it holds.

    Attributes:
        request: the request id.
        out: the folder.
        counts: records per place.
        files: the files written.
    """

    request: int
    out: Path
    counts: dict[str, int]
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "request": self.request,
            "out": str(self.out),
            "counts": self.counts,
            "files": self.files,
        }


def _annotate(ws: Workspace, found: Found) -> dict[str, list[dict[str, Any]]]:
    """Each record with its source, legal basis and consent status."""
    bases = source_bases(ws.store)
    post_sources = sorted(
        {str(r["source"]) for r in found.records.get("posts", []) if r.get("source")}
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for place, rows in found.records.items():
        annotated = []
        for row in rows:
            src: str | None
            basis: str | None
            consent: str | None
            if place in _OWN_BASIS:
                src, basis, consent = *_OWN_BASIS[place], "not_required"
            else:
                column = _PLACE_SOURCES.get(place)
                src = str(row.get(column)) if column else ", ".join(post_sources) or None
                info = bases.get(str(src), {}) if column else {}
                basis = info.get("legal_basis") or _joined(bases, post_sources, "legal_basis")
                consent = info.get("consent_status") or _joined(
                    bases, post_sources, "consent_status"
                )
            annotated.append(
                {
                    **row,
                    "_source": src,
                    "_legal_basis": basis or "not recorded",
                    "_consent_status": consent or "not recorded",
                }
            )
        out[place] = annotated
    return out


def _joined(bases: dict[str, dict[str, Any]], sources: list[str], key: str) -> str | None:
    values = sorted({str(bases[s][key]) for s in sources if s in bases and bases[s][key]})
    return ", ".join(values) or None


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def access_payload(ws: Workspace, identifier: str, actor: str | None = None) -> dict[str, Any]:
    """The access package's content (what ``records.json`` holds), recorded as a request.

    Raises:
        InvalidInputError: the identifier cannot be read.
    """
    found = find(ws, identifier, actor)
    rid = start_request(ws, "access", found.subject, actor)
    payload = {**found.to_dict(with_records=False), "request": rid, "records": _annotate(ws, found)}
    finish_request(ws, rid, found.subject, "access", "done", {"counts": found.counts}, actor)
    return payload


def access(
    ws: Workspace, identifier: str, out: str | Path, actor: str | None = None
) -> AccessPackage:
    """Write the access package of the person ``identifier`` names into ``out``.

    Raises:
        InvalidInputError: the identifier cannot be read.
    """
    from agorascope.privacy.places import places
    from agorascope.store.store import utcnow

    payload = access_payload(ws, identifier, actor)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    records: dict[str, list[dict[str, Any]]] = payload["records"]
    files = ["records.json"]
    (folder / "records.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    descriptions = {p.name: p.description for p in places()}
    summary = []
    for place, rows in records.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        summary.append(
            {
                "name": place,
                "description": descriptions.get(place, ""),
                "count": len(rows),
                "columns": columns,
                "records": [{c: _cell(r.get(c)) for c in columns} for r in rows],
            }
        )
        if not rows:
            continue
        with (folder / f"{place}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            writer.writerows({c: _cell(r.get(c)) for c in columns} for r in rows)
        files.append(f"{place}.csv")
    html = (
        Environment(autoescape=True)
        .from_string(_HTML)
        .render(
            identifier=payload["identifier"],
            generated=utcnow().isoformat(),
            request=payload["request"],
            accounts=payload["accounts"],
            places=summary,
        )
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    files.append("index.html")
    for name in files:  # the package is personal data too: an erasure must find it
        record_export(ws.store, "access", folder / name, None, pseudonymised=False)
    return AccessPackage(payload["request"], folder, payload["counts"], files)
