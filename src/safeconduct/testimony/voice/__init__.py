"""Voice anonymization of testimony recordings, and the measurement of how well it hides the speaker.

Public surface: `anonymize_file` (a whole audio/video file, streamed, with its privacy report),
`make_method` / `method_names` (the methods: pitch, mcadams, disguise, revoice) and the evaluation in
`safeconduct.testimony.voice.evaluate`. Heavy libraries load only when a method or the attacker runs.
"""

from safeconduct.testimony.voice.anonymize import AnonymizeError, anonymize_file
from safeconduct.testimony.voice.method import VoiceMethod, make_method, method_names
from safeconduct.testimony.voice.report import PrivacyReport

__all__ = ["AnonymizeError", "PrivacyReport", "VoiceMethod", "anonymize_file", "make_method", "method_names"]
