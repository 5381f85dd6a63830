"""safeconduct: anonymous contact, case work and testimony anonymization for people leaving armed groups."""

__version__ = "0.1.0"
