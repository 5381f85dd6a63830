"""Entry point for `safeconduct serve --workers N`: each worker process builds its own app.

The data folder comes from SAFECONDUCT_DATA (set by `serve`); sessions live in the database, so any
worker can serve any request.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from safeconduct import logs
from safeconduct.config import load_settings
from safeconduct.runtime import Runtime
from safeconduct.web.app import create_app


def create() -> FastAPI:
    logs.configure()
    return create_app(Runtime.open(load_settings(os.environ["SAFECONDUCT_DATA"])))
