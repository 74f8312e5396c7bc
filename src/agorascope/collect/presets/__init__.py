"""Format presets: from files of known layouts to canonical records.

Each preset module says which source fields map to which canonical fields and what is lost.
:func:`open_source` picks (or is told) the preset, checks the header, and returns a
:class:`Source` that streams :class:`Record` and :class:`Reject` values.
"""

from __future__ import annotations

from agorascope.collect.presets.base import Preset, Probe
from agorascope.collect.presets.native import load_mapping, load_mapping_file
from agorascope.collect.presets.registry import (
    PRESETS,
    Source,
    detect_format,
    expand_paths,
    open_source,
)
from agorascope.collect.readers import Record, Reject

__all__ = [
    "PRESETS",
    "Preset",
    "Probe",
    "Record",
    "Reject",
    "Source",
    "detect_format",
    "expand_paths",
    "load_mapping",
    "load_mapping_file",
    "open_source",
]
