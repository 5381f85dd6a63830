"""Pages for the person who writes to us, and the public ones: no account, no JavaScript."""
