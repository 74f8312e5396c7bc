"""The voters analyses as the registry declares them: persons, a person, segments, sources
and link quality.

Each declaration gives ``ws.voters.<name>()``, ``agorascope voters <name>``,
``GET /api/voters/<name>`` and a dashboard page. They read the store only; importing, linking,
reviewing and saving segments are commands of :mod:`agorascope.cli.voters`.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from agorascope.registry import Context, Output, Params, Row, analysis
from agorascope.voters.persons import person, persons
from agorascope.voters.quality import link_quality, sources
from agorascope.voters.segments import count, list_segments

__all__: list[str] = []

_AS_OF = Field(None, description="Date on which ages are counted (default: today).")


class PersonsParams(Params):
    """Persons to list."""

    as_of: date | None = _AS_OF


class PersonParams(Params):
    """One person."""

    person_id: str = Field(
        min_length=1, max_length=64, description="The person id.", examples=["P00000001"]
    )


class NoParams(Params):
    """No parameters."""


class PersonRow(Row):
    """One person: id, records, sources, the best value of each field (the value most of
    their records give) and the record it came from (``<field>_from`` = source/record_id),
    age in years."""

    person_id: str
    records: int
    sources: list[str]
    first_name: str | None
    first_name_from: str | None
    middle_name: str | None
    middle_name_from: str | None
    last_name: str | None
    last_name_from: str | None
    dob: str | None
    dob_from: str | None
    sex: str | None
    sex_from: str | None
    voter_id: str | None
    voter_id_from: str | None
    house_number: str | None
    house_number_from: str | None
    street: str | None
    street_from: str | None
    unit: str | None
    unit_from: str | None
    city: str | None
    city_from: str | None
    postcode: str | None
    postcode_from: str | None
    state: str | None
    state_from: str | None
    email: str | None
    email_from: str | None
    phone: str | None
    phone_from: str | None
    party: str | None
    party_from: str | None
    voter_status: str | None
    voter_status_from: str | None
    age: int | None


class PersonRecordRow(Row):
    """One source record of the person, with its provenance (file, line) and its highest
    match probability with another record of the person."""

    source: str
    record_id: str
    file: str
    line: int
    first_name_raw: str | None
    last_name_raw: str | None
    dob_raw: str | None
    address_raw: str | None
    city_raw: str | None
    postcode: str | None
    state: str | None
    email_raw: str | None
    phone_raw: str | None
    party: str | None
    voter_status: str | None
    consent: str | None
    opted_out: bool
    imported_at: str
    match_probability: float | None


class SegmentRow(Row):
    """One saved segment counted now: persons matching, left out by suppressions (no
    consent or legal basis, refused, opted out), contactable."""

    name: str
    query: str
    matched: int
    suppressed: int
    contactable: int


class SourceRow(Row):
    """One source: records, persons they belong to, last import, rows rejected in all."""

    source: str
    records: int
    persons: int
    files: int
    last_import: str | None
    rejected: int
    invalid_dates: int


class QualityRow(Row):
    """Scored pairs of the last link per match-probability bin [low, high)."""

    low: float
    high: float
    pairs: int


@analysis("voters", "persons", params=PersonsParams, row=PersonRow, needs="workspace")
def _persons(ctx: Context, p: PersonsParams) -> Output:
    """Persons: the best value of each field and where it came from."""
    return Output(persons(ctx.workspace.store, as_of=p.as_of))


@analysis(
    "voters", "person", params=PersonParams, row=PersonRecordRow, needs="workspace",
    arguments=("person_id",),
)  # fmt: skip
def _person(ctx: Context, p: PersonParams) -> Output:
    """One person: every source record with its provenance; the best values in ``meta``."""
    found = person(ctx.workspace.store, p.person_id)
    return Output(found["records"], meta={"person_id": p.person_id, "fields": found["fields"]})


@analysis("voters", "segments", params=PersonsParams, row=SegmentRow, needs="workspace")
def _segments(ctx: Context, p: PersonsParams) -> Output:
    """Saved segments with their live counts, suppressions applied."""
    store = ctx.workspace.store
    rows = [
        count(store, s.query, name=s.name, as_of=p.as_of).__dict__ for s in list_segments(store)
    ]
    return Output(rows)


@analysis("voters", "sources", params=NoParams, row=SourceRow, needs="workspace")
def _sources(ctx: Context, p: NoParams) -> Output:
    """Sources of people: records, persons, imports and rejects."""
    return Output(sources(ctx.workspace.store))


@analysis("voters", "link-quality", params=NoParams, row=QualityRow, needs="workspace")
def _link_quality(ctx: Context, p: NoParams) -> Output:
    """The last link: distribution of match probabilities; run figures, merges and splits in
    ``meta``."""
    rows, meta = link_quality(ctx.workspace.store)
    return Output(rows, meta=meta)
