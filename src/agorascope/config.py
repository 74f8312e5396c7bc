"""Settings, read from arguments and ``AGORASCOPE_*`` environment variables.

A :class:`Settings` object is built once by the entry point (CLI, API, Python) and passed
down; no module reads the environment on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Runtime configuration of agorascope.

    Every field can be set with an ``AGORASCOPE_<NAME>`` environment variable
    (``AGORASCOPE_DB=/data/news.duckdb``).
    """

    model_config = SettingsConfigDict(env_prefix="AGORASCOPE_", extra="ignore")

    db: Path = Field(Path("agorascope.duckdb"), description="Path of the DuckDB store file.")
    backend: Literal["duckdb", "spark"] = Field(
        "duckdb", description="Engine that runs read queries: the DuckDB file or Spark."
    )
    spark_master: str = Field(
        "local[2]", description="Spark master URL when backend is 'spark' (local[N] or a cluster)."
    )
    batch_size: int = Field(
        50_000, gt=0, description="Rows per import batch; each batch commits atomically."
    )
    columnar_batch_size: int = Field(
        1_000_000,
        gt=0,
        description="Rows per atomic batch on the columnar path (clean native Parquet).",
    )
    detect_language: bool = Field(
        True, description="Identify the language of posts that arrive without one."
    )
    rejects_dir: Path | None = Field(
        None, description="Folder for rejects files (default: beside the store file)."
    )
    data_dir: Path | None = Field(
        None,
        description="Folder whose files the REST API may read as analysis inputs (polls, "
        "results, district graphs), named relative to it; unset: no file inputs over HTTP.",
    )
    query_timeout: float = Field(
        30.0,
        ge=0,
        description="Time budget of one web request's queries and analysis, in seconds; it is "
        "cancelled when the budget runs out (0: no budget).",
    )
    query_timeout_admin: float | None = Field(
        None,
        ge=0,
        description="Time budget for admin callers, in seconds (default: query_timeout).",
    )
    token_lifetime_days: float = Field(
        90.0,
        gt=0,
        description="Lifetime of a new API token, in days, unless it is created with another.",
    )
    max_body_bytes: int = Field(
        1 * 2**20,
        gt=0,
        description="Largest request body accepted on routes other than uploads, in bytes.",
    )
    allow_private_networks: bool = Field(
        False,
        description="Let fetches reach loopback and private addresses (intranets, tests); "
        "cloud metadata endpoints stay refused.",
    )
    fetch_timeout: float = Field(
        30.0, gt=0, description="Seconds one HTTP request of the fetcher may take in all."
    )
    fetch_max_bytes: int = Field(
        10_000_000,
        gt=0,
        description="Largest response body the fetcher accepts, raw and decompressed.",
    )
    fetch_concurrency: int = Field(
        8, gt=0, le=256, description="Most HTTP requests the fetcher runs at the same time."
    )
    fetch_host_gap: float = Field(
        1.0, ge=0, description="Fewest seconds between two requests of the fetcher to one host."
    )
    scheduler_interval: float = Field(
        60.0,
        gt=0,
        description="Seconds between two rounds of the scheduler of `agorascope serve` "
        "(a fetch pass over the due sources, then the registered jobs).",
    )
    host: str = Field("127.0.0.1", description="Address the web server binds to.")
    port: int = Field(8000, ge=0, le=65535, description="Port the web server listens on.")
    smtp_host: str | None = Field(
        None, description="SMTP server that sends e-mail alerts (unset: no e-mail delivery)."
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_user: str | None = Field(None, description="SMTP login name, if the server needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (never printed).")
    smtp_from: str = Field(
        "agorascope@localhost", description="Sender address of e-mail alerts (From header)."
    )
    smtp_starttls: bool = Field(
        False, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )

    @property
    def index_dir(self) -> Path:
        """Folder of the full-text index kept beside the store."""
        return self.db.with_name(self.db.name + ".index")

    def data_file(self, name: str | Path) -> Path:
        """The file ``name`` inside :attr:`data_dir` (what the REST API may read).

        Raises:
            PermissionDeniedError: no data folder is set, or ``name`` leaves it.
            NotFoundError: there is no such file.
        """
        from agorascope.errors import NotFoundError, PermissionDeniedError

        if self.data_dir is None:
            raise PermissionDeniedError(
                "file inputs over HTTP need a data folder (set AGORASCOPE_DATA_DIR)"
            )
        root = self.data_dir.resolve()
        path = (root / Path(name)).resolve()
        if Path(name).is_absolute() or not path.is_relative_to(root):
            raise PermissionDeniedError(f"{str(name)!r} is not inside the data folder")
        if not path.is_file():
            raise NotFoundError(f"no file {str(name)!r} in the data folder")
        return path

    def rejects_folder(self) -> Path:
        """Folder where rejects files are written."""
        return self.rejects_dir or self.db.resolve().parent
