"""Tests of agorascope.query."""
