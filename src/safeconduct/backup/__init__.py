"""Backups of a running installation and their restore, across schema versions and database engines."""

from safeconduct.backup.service import BackupError, Summary, create_backup, restore_backup

__all__ = ["BackupError", "Summary", "create_backup", "restore_backup"]
