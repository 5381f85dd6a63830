"""Notifications without content: which staff member has something waiting, never what or from whom."""
