"""No request is traced: FastAPI's built-in OpenTelemetry (0.16x) would record each client's address in a span
as soon as the process has a tracer provider or the environment asks for exporters."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi import FastAPI

from safeconduct.web import app as web_app
from tests.conftest import Installation, client_for
from tests.flows import start_contact


class _Recorder:
    """A tracer that notes every span it is asked to open (the API's no-op spans are returned)."""

    def __init__(self) -> None:
        self.spans: list[str] = []

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from opentelemetry import trace

        self.spans.append(name)
        return trace.INVALID_SPAN

    def start_as_current_span(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from opentelemetry import trace

        self.spans.append(name)
        return trace.use_span(trace.INVALID_SPAN)


def _provider(recorder: _Recorder) -> Any:
    from opentelemetry import trace

    class Provider(trace.TracerProvider):
        def get_tracer(self, *args: Any, **kwargs: Any) -> Any:
            return recorder

    return Provider()


def test_no_request_is_traced_even_with_a_provider_and_exporters_asked_for(
        sqlite_installation: Installation, monkeypatch: pytest.MonkeyPatch) -> None:
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        assert web_app._no_telemetry() == {}  # an older FastAPI has no telemetry to turn off
        return
    from opentelemetry import trace

    recorder = _Recorder()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: _provider(recorder))
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    with client_for(sqlite_installation) as client:
        start_contact(client)
        assert client.get("/").status_code in (200, 303, 307)
    assert recorder.spans == []
    assert web_app._no_telemetry()["telemetry"]["tracing"] is False


def test_the_recorder_would_see_fastapis_spans_if_telemetry_were_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: the same provider under a plain FastAPI app records the request."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return
    from fastapi.testclient import TestClient
    from opentelemetry import trace

    recorder = _Recorder()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: _provider(recorder))
    plain = FastAPI()

    @plain.get("/ping")
    def ping() -> dict[str, str]:
        return {"ok": "yes"}

    with TestClient(plain) as client:
        assert client.get("/ping").status_code == 200
    assert recorder.spans, "FastAPI traced nothing: the test above would pass for the wrong reason"
