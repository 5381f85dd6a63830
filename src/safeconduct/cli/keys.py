"""`safeconduct key fingerprint`: what an administrator gives a court to pin the organisation's key."""

from __future__ import annotations

from pathlib import Path

import typer

from safeconduct.cli.output import typer_app
from safeconduct.cli.server import DataOption, _require_installation, _runtime

key_app = typer_app(no_args_is_help=True, help="The organisation's public keys, for those who check its dossiers.")


def fingerprint_lines(public_key: bytes, organisation: str) -> list[str]:
    """What `init` and `key fingerprint` print: the fingerprint, and the line for a trusted-keys file."""
    from safeconduct.ledger.trust import fingerprint

    fp = fingerprint(public_key)
    return [
        f"Ledger key fingerprint: {fp}",
        "Give it to courts and lawyers through a channel they trust (website, letter); they check a dossier "
        f"with: safeconduct verify DOSSIER.zip --expect-key {fp}",
        f"Line for a trusted-keys file: {fp}  # {organisation}",
    ]


@key_app.command("fingerprint")
def key_fingerprint(data: Path = DataOption) -> None:
    """Print the ledger key's fingerprint (the one on every dossier) and the PDF certificate's SHA-256."""
    import hashlib

    from safeconduct.cases.dossier import PDF_CERT_FILE

    runtime = _runtime(data)
    _require_installation(runtime)
    try:
        org = runtime.org
        for line in fingerprint_lines(bytes(org.signing_key.verify_key), org.name):
            typer.echo(line)
        typer.echo(f"Ledger public key (Ed25519, hex): {bytes(org.signing_key.verify_key).hex()}")
        cert = runtime.settings.keys_dir / PDF_CERT_FILE
        if cert.is_file():
            from cryptography import x509
            from cryptography.hazmat.primitives.serialization import Encoding

            der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(Encoding.DER)
            typer.echo(f"Dossier PDF certificate SHA-256: {hashlib.sha256(der).hexdigest()}")
    finally:
        runtime.engine.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(key_app, name="key")
