"""The JSON API (`/api/v1/…`) and the contacts' resumable uploads (tus)."""
