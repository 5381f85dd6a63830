"""Settings: where the data lives, which database, and the limits the product enforces.

Read from the environment (``SAFECONDUCT_*``) and from ``safeconduct.toml`` in the data folder, so an
administrator configures an organisation in one file and a test can override anything in code.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True)
class Settings:
    """Everything the services need to know about one installation."""

    data_dir: Path
    database_url: str
    max_upload_bytes: int = 2 * GiB
    # Free space uploads may never use: kept for the database (log-ins, messages) on a filling disk.
    space_reserve_bytes: int = 256 * MiB
    max_message_chars: int = 20_000
    contact_session_minutes: int = 30
    staff_session_minutes: int = 8 * 60
    upload_expiry_hours: int = 48
    argon2_concurrency: int = 2  # Argon2id derivations at once per process (64 MiB each): the memory bound
    empty_conversation_days: int = 14  # a started conversation with nothing written is forgotten after this
    staff_failures_before_lock: int = 10
    staff_lock_minutes: int = 15
    inbox_overdue_days: int = 3  # a message unread this many days makes the case "overdue" in the inbox
    organisation: dict[str, Any] = field(default_factory=dict)
    mail: dict[str, Any] = field(default_factory=dict)  # [mail]: notification e-mails (notifications/mail.py)
    # [worker] (jobs/scratch.py): the private scratch space a worker decrypts a recording into. Empty: /dev/shm
    # (memory). A folder on a persistent disk is refused unless `scratch_on_disk = true` says so explicitly.
    worker_scratch: str = ""
    worker_scratch_on_disk: bool = False
    worker_scratch_limit_bytes: int = 0  # at most this much scratch per job (0: what the tmpfs holds)

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "safeconduct.toml"


def default_database_url(data_dir: Path) -> str:
    """The embedded SQLite database inside the data folder."""
    return f"sqlite:///{(data_dir / 'safeconduct.db').resolve()}"


def load_settings(data_dir: Path | str, **overrides: Any) -> Settings:
    """Combine the data folder's config file, the environment and explicit overrides (strongest last)."""
    data = Path(data_dir).resolve()
    values: dict[str, Any] = {}
    config_file = data / "safeconduct.toml"
    if config_file.exists():
        parsed = tomllib.loads(config_file.read_text(encoding="utf-8"))
        limits = parsed.get("limits", {})
        values.update({k: v for k, v in limits.items() if k in Settings.__dataclass_fields__})
        values["organisation"] = parsed.get("organisation", {})
        values["mail"] = parsed.get("mail", {})
        worker = parsed.get("worker", {})
        values.update({f"worker_{k}": v for k, v in worker.items() if f"worker_{k}" in Settings.__dataclass_fields__})
    if os.environ.get("SAFECONDUCT_SCRATCH"):
        values["worker_scratch"] = os.environ["SAFECONDUCT_SCRATCH"]
    if os.environ.get("SAFECONDUCT_SCRATCH_ON_DISK") == "1":
        values["worker_scratch_on_disk"] = True
    url = os.environ.get("SAFECONDUCT_DATABASE_URL") or default_database_url(data)
    values.update(overrides)
    values.setdefault("database_url", url)
    return Settings(data_dir=data, **values)
