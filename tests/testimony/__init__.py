"""Tests of the testimony anonymization pipeline."""
