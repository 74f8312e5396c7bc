"""Find and erase people: the entry points of the privacy domain into the voters tables.

Every source record carries a person id (a record not yet linked is a person of its own), so
a person's records are reachable from the id, from any e-mail of theirs, or from a name and
date of birth. :func:`erase` deletes every row about the given persons in the voters tables:
their records, memberships, scored pairs, review decisions and id events.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from agorascope.errors import InvalidInputError
from agorascope.store.store import Store
from agorascope.voters import standardize as std

__all__ = ["erase", "erase_rows", "find"]


def find(
    store: Store,
    *,
    person_id: str | None = None,
    email: str | None = None,
    name: str | None = None,
    dob: str | None = None,
) -> list[str]:
    """The ids of the persons matching every criterion given, sorted.

    Args:
        store: the store.
        person_id: a person id.
        email: an e-mail address (any case).
        name: a full name, ``First Last`` or ``Last, First`` (accents and case ignored);
            needs ``dob``.
        dob: a date of birth in any format of
            :data:`~agorascope.voters.standardize.DATE_FORMATS`.

    Raises:
        InvalidInputError: no criterion, a name without a date of birth, or a bad e-mail or
            date.
    """
    clauses: list[str] = []
    params: list[object] = []
    if person_id is not None:
        clauses.append("person_id = ?")
        params.append(person_id)
    if email is not None:
        try:
            clauses.append("email = ?")
            params.append(std.email(email))
        except ValueError as e:
            raise InvalidInputError(f"email: {e}") from e
    if name is not None or dob is not None:
        if name is None or dob is None:
            raise InvalidInputError("give a name and a date of birth together")
        first, _, last = std.split_full_name(name)
        try:
            born = std.birth_date(dob)
        except ValueError as e:
            raise InvalidInputError(f"dob: {e}") from e
        clauses.append("first_name IS NOT DISTINCT FROM ? AND last_name = ? AND dob_text = ?")
        params += [std.name(first), std.name(last), born.text if born else None]
    if not clauses:
        raise InvalidInputError("give a person id, an e-mail, or a name and date of birth")
    rows = store.execute(
        "SELECT DISTINCT person_id FROM voter_records WHERE " + " AND ".join(clauses), params
    )
    return sorted(r[0] for r in rows)


def erase(store: Store, person_ids: Iterable[str]) -> dict[str, int]:
    """Delete every row about ``person_ids`` in the voters tables, in one transaction.

    Returns:
        Rows deleted per table. The audit log records the count, not who.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    with store.transaction() as con:
        counts = erase_rows(con, ids)
    store.audit("voters.erase", detail=f"{len(ids)} persons, {counts['voter_records']} records")
    return counts


def erase_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, int]:
    """Delete the voters rows of ``ids`` with ``con``, inside the caller's transaction.

    Returns:
        Rows deleted per table.
    """
    counts: dict[str, int] = {}
    uids = [
        r[0]
        for r in con.execute(
            "SELECT uid FROM voter_records WHERE list_contains(?, person_id)", [ids]
        ).fetchall()
    ]
    steps = {
        "voter_pairs": "DELETE FROM voter_pairs "
        "WHERE list_contains(?, uid_l) OR list_contains(?, uid_r)",
        "voter_decisions": "DELETE FROM voter_decisions "
        "WHERE list_contains(?, uid_l) OR list_contains(?, uid_r)",
        "voter_memberships": "DELETE FROM voter_memberships WHERE list_contains(?, uid)",
    }
    for table, sql in steps.items():
        counts[table] = _deleted(con.execute(sql, [uids] * sql.count("?")).fetchall())
    counts["voter_id_events"] = _deleted(
        con.execute(
            "DELETE FROM voter_id_events WHERE list_contains(?, person_id) "
            "OR len(list_intersect(related, ?)) > 0",
            [ids, ids],
        ).fetchall()
    )
    counts["voter_records"] = _deleted(
        con.execute("DELETE FROM voter_records WHERE list_contains(?, person_id)", [ids]).fetchall()
    )
    return counts


def _deleted(rows: list[tuple[object, ...]]) -> int:
    return int(str(rows[0][0])) if rows else 0
