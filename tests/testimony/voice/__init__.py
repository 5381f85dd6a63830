"""Tests of voice anonymization and its privacy measurement."""
