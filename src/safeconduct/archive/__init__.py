"""The prevention archive: approved, anonymized testimonies published with consent, signed by the organisation."""
