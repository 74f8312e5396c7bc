"""Fields derived from post text at import, computed in DuckDB over each batch.

The rules (documented in docs/import.md and tested):

- **hashtag**: the hashtag rule of :mod:`agorascope.text` (``#`` followed by letters, digits
  and underscores with at least one non-digit, not preceded by a letter, digit, ``_``, ``&``
  or ``/``; stored lower-case without ``#``).
- **mention**: ``@`` followed by 1-50 ASCII letters, digits or underscores, not preceded by a
  letter, digit, ``_`` or ``@`` (so e-mail addresses are not mentions); lower-case, no ``@``.
- **URL**: ``http://`` or ``https://`` up to white space or ``<>"'``, trailing ``.,;:!?)]``
  removed; normalised with a lower-case scheme and host and tracking parameters removed
  (``utm_*``, ``fbclid``, ``gclid``, ``dclid``, ``msclkid``, ``mc_cid``, ``mc_eid``, ``igshid``,
  ``_hsenc``, ``_hsmi``, ``yclid``, ``ref_src``, ``si``). URLs given by the source are
  normalised the same way.

Lists given by the source (hashtags from an API's entities, say) are kept (lower-cased) rather
than re-extracted; an empty list given by the source counts as given.
"""

from __future__ import annotations

import duckdb

from agorascope.text import NETLOC_END, SCHEME_PATTERN, hashtags_sql

__all__ = ["MACROS", "TRACKING_PARAMETERS", "install_macros"]

TRACKING_PARAMETERS = (
    "utm_[^=]*",
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "_hsenc",
    "_hsmi",
    "yclid",
    "ref_src",
    "si",
)

_TRACKING_RE = "^(" + "|".join(TRACKING_PARAMETERS) + ")(=|$)"
_MENTION_RE = r"(?:^|[^\p{L}\p{N}_@])@([A-Za-z0-9_]{1,50})"
_URL_RE = r"""https?://[^\s<>"']+""".replace("'", "''")  # quoted for SQL

MACROS = (
    f"""CREATE OR REPLACE TEMP MACRO ag_query_clean(q) AS (
        CASE WHEN q IS NULL OR q = '' THEN ''
        ELSE (CASE WHEN len(list_filter(string_split(substr(q, 2), '&'),
                        lambda x: x <> '' AND NOT regexp_matches(lower(x), '{_TRACKING_RE}'))) = 0
              THEN ''
              ELSE '?' || array_to_string(list_filter(string_split(substr(q, 2), '&'),
                        lambda x: x <> '' AND NOT regexp_matches(lower(x), '{_TRACKING_RE}')), '&')
              END)
        END)""",
    rf"""CREATE OR REPLACE TEMP MACRO ag_norm_url(u) AS (
        CASE WHEN regexp_matches(u, '^{SCHEME_PATTERN}')
        THEN lower(regexp_extract(u, '^({SCHEME_PATTERN}[^{NETLOC_END}]*)', 1))
             || regexp_extract(u, '^{SCHEME_PATTERN}[^{NETLOC_END}]*([^?#]*)', 1)
             || ag_query_clean(regexp_extract(u, '^[^?#]*(\?[^#]*)', 1))
             || regexp_extract(u, '(#.*)$', 1)
        ELSE u END)""",
    f"CREATE OR REPLACE TEMP MACRO ag_hashtags(t) AS ({hashtags_sql('t')})",
    f"""CREATE OR REPLACE TEMP MACRO ag_mentions(t) AS (
        list_transform(regexp_extract_all(coalesce(t, ''), '{_MENTION_RE}', 1),
                       lambda x: lower(x)))""",
    f"""CREATE OR REPLACE TEMP MACRO ag_urls(t) AS (
        list_transform(regexp_extract_all(coalesce(t, ''), '{_URL_RE}'),
                       lambda x: ag_norm_url(rtrim(x, '.,;:!?)]'))))""",
)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the derivation macros on ``con`` (temporary: they live with the connection)."""
    for sql in MACROS:
        con.execute(sql)
