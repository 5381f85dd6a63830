"""Installing an organisation and loading its keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import nacl.utils
from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.crypto import keys
from safeconduct.ledger import log as ledger_log
from safeconduct.org import canned
from safeconduct.org.models import Organisation
from safeconduct.store import migrate


class AlreadyInitialised(Exception):
    """`init` was run on a data folder that already holds an installation."""


class NotInitialised(Exception):
    """The data folder or database holds no installation yet."""


@dataclass(frozen=True)
class OrgKeys:
    """What the services need of the organisation: the codename salt and public keys, the signing key."""

    name: str
    codename_salt: bytes
    recovery_public_key: bytes
    signing_key: SigningKey


def signing_key_path(settings: Settings) -> Path:
    return settings.keys_dir / "ledger-signing.key"


def initialise(settings: Settings, engine: Engine, db: Session, *, name: str) -> str:
    """Create folders, schema and keys; return the recovery key text to print once."""
    for folder in (settings.data_dir, settings.files_dir, settings.uploads_dir, settings.keys_dir):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    migrate.upgrade(engine)
    if db.get(Organisation, 1) is not None:
        raise AlreadyInitialised(f"{settings.data_dir} already holds an installation")
    path = signing_key_path(settings)
    signing = keys.read_signing_key(path) if path.exists() else keys.write_signing_key(path)
    recovery = PrivateKey.generate()
    db.add(
        Organisation(
            id=1,
            name=name,
            codename_salt=nacl.utils.random(16),
            recovery_public_key=bytes(recovery.public_key),
            signing_public_key=bytes(signing.verify_key),
            created_on=dt.datetime.now(dt.UTC).date(),
        )
    )
    ledger_log.ensure_log(db)
    db.commit()
    canned.add_starting_set(db)
    return keys.format_recovery_key(recovery)


def load(settings: Settings, db: Session) -> OrgKeys:
    """Read the installation; fails clearly when `init` has not been run."""
    org = db.get(Organisation, 1)
    path = signing_key_path(settings)
    if org is None or not path.exists():
        raise NotInitialised(
            f"no installation in {settings.data_dir}: run `safeconduct init --data {settings.data_dir}` first"
        )
    signing = keys.read_signing_key(path)
    if bytes(signing.verify_key) != org.signing_public_key:
        raise NotInitialised(f"the signing key in {path} does not belong to this database")
    return OrgKeys(
        name=org.name,
        codename_salt=org.codename_salt,
        recovery_public_key=org.recovery_public_key,
        signing_key=signing,
    )
