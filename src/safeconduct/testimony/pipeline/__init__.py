"""The whole testimony anonymization, one command: probe → transcribe → detect → (review) → voice → faces →
words in the audio → metadata → outputs and report. Stages are resumable.

Public surface: `anonymize_testimony`, `Options`, `PipelineError`, `ReviewPending`.
"""

from __future__ import annotations

from safeconduct.testimony.pipeline.run import Options, PipelineError, ReviewPending, anonymize_testimony

__all__ = ["Options", "PipelineError", "ReviewPending", "anonymize_testimony"]
