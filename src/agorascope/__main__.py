"""``python -m agorascope`` runs the command line."""

from agorascope.cli import main

main()
