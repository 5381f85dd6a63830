"""The staff console: pages for caseworkers, reviewers and administrators (password and TOTP)."""
