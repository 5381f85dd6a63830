"""Alembic environment: runs against the connection handed over by safeconduct.store.migrate."""

from __future__ import annotations

from alembic import context

from safeconduct.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `safeconduct.store.migrate.upgrade`")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
