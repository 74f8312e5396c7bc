"""The rejects file: every input row that could not be imported, with the reason."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

__all__ = ["RejectsWriter"]

COLUMNS = ("file", "line", "field", "reason", "raw")


class RejectsWriter:
    """Appends rejected rows to a CSV file, created on the first reject only."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._fh: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def write(self, file: str, line: int, field: str, reason: str, raw: str) -> None:
        """Record one rejected row (flushed at once: a crash loses no reject)."""
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.DictWriter(self._fh, COLUMNS)
            self._writer.writeheader()
        self._writer.writerow(
            {"file": file, "line": line, "field": field, "reason": reason, "raw": raw}
        )
        assert self._fh is not None
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        """Close the file if one was opened."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
