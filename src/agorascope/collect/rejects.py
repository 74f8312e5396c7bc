"""The rejects file: every input row that could not be imported, with the reason."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

__all__ = ["RejectsWriter", "read_rejects"]

COLUMNS = ("file", "line", "field", "reason", "raw")


class RejectsWriter:
    """Appends rejected rows to a CSV file, created on the first reject only.

    Args:
        path: the rejects file.
        file: the name written in each row's ``file`` column (an upload's own name) instead of
            the path the reader saw.
    """

    def __init__(self, path: Path, file: str | None = None):
        self.path = path
        self.file = file
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
            {"file": self.file or file, "line": line, "field": field, "reason": reason, "raw": raw}
        )
        assert self._fh is not None
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        """Close the file if one was opened."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def read_rejects(path: str | Path | None, limit: int = 20) -> list[dict[str, str]]:
    """The first ``limit`` rows of a rejects file (none when ``path`` is None or missing)."""
    if path is None or not Path(path).is_file():
        return []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        rows: list[dict[str, str]] = []
        for row in csv.DictReader(fh):
            if len(rows) >= limit:
                break
            rows.append({k: row.get(k) or "" for k in COLUMNS})
        return rows
