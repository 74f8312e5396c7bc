"""Templates and static files of the dashboard (served by :mod:`agorascope.api`)."""
