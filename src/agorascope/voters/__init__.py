"""Voters: people from registers, party lists and supporter files, linked into persons.

:func:`import_people` reads a CSV, Parquet or JSONL file of people into source records
(standard forms beside the raw values, provenance per record); :func:`link` links every record
into persons with Splink, keeping person ids stable from one link to the next; the review
functions keep reviewers' decisions; :func:`persons` gives the best value of each field;
segments are saved filters over persons with suppressions applied; :mod:`.people` finds and
erases a person everywhere. Method and formats:
``docs/voters.md``; message experiments and the budget: ``docs/voters-experiments.md``.
"""

from __future__ import annotations

from agorascope.voters import people
from agorascope.voters.importer import FIELDS, VoterImport, import_people, parse_mapping
from agorascope.voters.linkage import LinkRun, link
from agorascope.voters.persons import export_links, person, persons
from agorascope.voters.review import decide, pair, uncertain_pairs
from agorascope.voters.segments import (
    SegmentCount,
    add_segment,
    count,
    export_segment,
    list_segments,
    remove_segment,
)

__all__ = [
    "FIELDS",
    "LinkRun",
    "SegmentCount",
    "VoterImport",
    "add_segment",
    "count",
    "decide",
    "export_links",
    "export_segment",
    "import_people",
    "link",
    "list_segments",
    "pair",
    "parse_mapping",
    "people",
    "person",
    "persons",
    "remove_segment",
    "uncertain_pairs",
]
