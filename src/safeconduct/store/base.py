"""The declarative base every table derives from.

Each domain package keeps its own tables (`contact/models.py`, `ledger/models.py`, …) on this one
metadata so that Alembic sees the whole schema in one place.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all safeconduct tables."""

    metadata = MetaData(naming_convention=NAMING)
