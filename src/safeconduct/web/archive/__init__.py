"""The prevention archive as the public reads it: served pages, feeds and the log (no session)."""
