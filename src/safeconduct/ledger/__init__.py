"""The tamper-evident case ledger (see docs/ledger.md).

Public surface, by module (imported explicitly so that ``safeconduct verify`` loads no database code):

- ``commitments``: ``commit(plaintext) -> (nonce, commitment)``, ``verify_commitment``
- ``service``: ``append_event``, ``append_events``, ``case_entries``, ``open_events``, ``check_case_chain``,
  ``export_bundle`` — what the case code calls, inside its own transaction
- ``log``: the org-wide RFC 9162 Merkle log in the database (proofs, signed tree heads)
- ``merkle``: the pure RFC 9162 algorithms; ``chain``: the byte layouts shared with the verifier
- ``bundle``/``verify``: the verifiable export and its offline check
- ``dossier_pdf``/``pdf_signing``/``timestamps``: court PDF, PAdES signature, RFC 3161 timestamps
"""
