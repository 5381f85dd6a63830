"""Referrals to partner organisations, relatives' linked cases and follow-up tasks (issue 16, items 4–6)."""
