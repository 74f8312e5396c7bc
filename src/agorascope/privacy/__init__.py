"""The rights of the people in the data: find, access, rectify, erase (proven), consent,
audit trail, safe exports and retention. Guide: docs/privacy.md."""

from __future__ import annotations

from agorascope.privacy.identity import Identifier, Subject, parse_identifier, register_resolver
from agorascope.privacy.places import Change, Needles, Place, places, register_place

__all__ = [
    "Change",
    "Identifier",
    "Needles",
    "Place",
    "Subject",
    "parse_identifier",
    "places",
    "register_place",
    "register_resolver",
]
