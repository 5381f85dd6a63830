"""`safeconduct init`, `staff add`, `serve` and `recover`: installing and running the contact channel."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from safeconduct.cli.output import console, err, fail, typer_app

if TYPE_CHECKING:
    from safeconduct.runtime import Runtime


DataOption = typer.Option(..., "--data", help="The data folder of this installation.")
staff_app = typer_app(no_args_is_help=True, help="Staff accounts.")


def _fail(message: str) -> None:
    fail(message)


def _runtime(data: Path) -> Runtime:
    from safeconduct.config import load_settings
    from safeconduct.runtime import Runtime

    return Runtime.open(load_settings(data))


def init(
    data: Path = DataOption,
    name: str = typer.Option("safeconduct", help="The organisation's name."),
    intro_file: list[str] = typer.Option(  # noqa: B008 — Typer declares options this way
        [], "--intro-file", help="The introduction shown on the contact home page: FILE (English) or LANG=FILE "
        "(en, fr, ar); repeatable. Paragraphs are separated by an empty line."),
    answer_days: int | None = typer.Option(None, "--answer-days", help="We usually answer within this many days "
                                           "(shown to each person on their conversation page)."),
) -> None:
    """Create the data folder, the database, the organisation's keys; print the recovery key once."""
    from safeconduct.errors import Refusal
    from safeconduct.org import intro
    from safeconduct.org import service as org_service

    try:
        page = intro.check(name, _read_intros(intro_file), answer_days)
    except Refusal as exc:
        _fail(f"{exc} Nothing was changed.")
        return
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(f"{exc} Nothing was changed.")
        return
    runtime = _runtime(data)
    try:
        with runtime.db() as db:
            recovery = org_service.initialise(runtime.settings, runtime.engine, db, name=name)
            intro.save(db, page)
    except org_service.AlreadyInitialised as exc:
        _fail(f"{exc}. Nothing was changed.")
        return
    try:
        from safeconduct.cases.dossier import pdf_certificate

        pdf_certificate(runtime.settings, name)
    except ImportError:  # the [ledger] extra is not installed: dossiers cannot be exported anyway
        err.print("Note: the dossier packages are not installed (pip install 'safeconduct[ledger]').")
    from safeconduct.jobs.engine import uses_procrastinate

    if not uses_procrastinate(runtime.settings.database_url):  # SQLite: the server's own worker, enrolled now
        from safeconduct.jobs import workers

        with runtime.db() as db:
            workers.enrol(db, runtime.settings, kind="embedded")
    console.print(f"Installation created in [bold]{runtime.settings.data_dir}[/].")
    from safeconduct.cli.keys import fingerprint_lines

    for line in fingerprint_lines(bytes(runtime.org.signing_key.verify_key), name):
        console.print(line, soft_wrap=True, highlight=False, markup=False)
    console.print("Print it again any time with `safeconduct key fingerprint --data DIR`.", soft_wrap=True,
                  highlight=False, markup=False)
    console.print("\n[bold]Recovery key[/] — shown only this once, never stored on this server:\n")
    console.print(f"    [bold yellow]{recovery}[/]\n")
    console.print(
        "Write it down on paper and keep it offline, away from this server. With it, an administrator can "
        "open any case even when every caseworker who held it is gone (`safeconduct recover`).",
        soft_wrap=True,
    )


def _read_intros(specs: list[str]) -> dict[str, str]:
    """``FILE`` or ``LANG=FILE`` options as {language: text}; a missing or unreadable file is refused."""
    out: dict[str, str] = {}
    for spec in specs:
        lang, sep, file = spec.partition("=")
        if not sep or len(lang) != 2:
            lang, file = "en", spec
        path = Path(file)
        if not path.is_file():
            raise ValueError(f"The introduction file {path} does not exist.")
        out[lang] = path.read_text(encoding="utf-8")
    return out


@staff_app.command("add")
def staff_add(
    data: Path = DataOption,
    username: str = typer.Option(..., help="Log-in name."),
    role: str = typer.Option("caseworker", help="caseworker or admin."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    intake: bool = typer.Option(True, help="Put a caseworker on the intake team."),
) -> None:
    """Create a staff account and print its TOTP secret (and a QR code to scan)."""
    import segno

    from safeconduct.errors import Refusal
    from safeconduct.staff import service as staff_service

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        except (typer.Abort, EOFError):
            _fail("No password was given: type it when asked (in a terminal), or pass it on standard input "
                  "with --password-stdin.")
            return
    runtime = _runtime(data)
    _require_installation(runtime)
    try:
        with runtime.db() as db:
            new = staff_service.add_staff(db, username=username, role=role, password=password, intake=intake)
    except Refusal as exc:
        _fail(str(exc))
        return
    console.print(f"Staff account [bold]{new.username}[/] ({role}) created.")
    console.print(f"TOTP secret: [bold]{new.totp_secret}[/]")
    console.print(f"TOTP URI:    {new.totp_uri}", soft_wrap=True, highlight=False)
    qr = segno.make(new.totp_uri, error="m")
    qr.terminal(out=sys.stdout, compact=True)
    console.print("Scan it with an authenticator app. It is shown only this once.")


def _require_installation(runtime: Runtime) -> None:
    from safeconduct.org.service import NotInitialised

    try:
        _ = runtime.org
    except NotInitialised as exc:
        _fail(str(exc))
    except Exception as exc:  # no database at all yet
        _fail(f"no installation in {runtime.settings.data_dir}: run `safeconduct init --data "
              f"{runtime.settings.data_dir}` first ({type(exc).__name__})")


def _require_free_port(host: str, port: int) -> None:
    """Say that the port is taken, and how to pick another, before printing that we serve."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                _fail(f"Port {port} is already in use on this machine (another program, or safeconduct already "
                      f"running). Pick another port: `safeconduct serve --port {port + 1}`, or with make: "
                      f"`PORT={port + 1} make run`.")
            _fail(f"Cannot listen on port {port}: {exc.strerror}. Check --host and --port.")


def serve(
    data: Path = DataOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (behind Tor, keep it local)."),
    port: int = typer.Option(8080, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Server processes (sessions work across them)."),
) -> None:
    """Serve the contact pages, the staff console and the API."""
    import uvicorn

    from safeconduct import logs
    from safeconduct.store import migrate
    from safeconduct.web.app import create_app

    runtime = _runtime(data)
    _require_installation(runtime)
    _require_free_port(host, port)
    migrate.upgrade(runtime.engine)
    logs.configure()
    console.print(f"safeconduct serving {runtime.settings.data_dir} on http://{host}:{port}/")
    # No access log: it would write client addresses. Our own middleware logs method, path and status.
    options = dict(host=host, port=port, access_log=False, server_header=False, date_header=False,
                   proxy_headers=False, log_config=None)
    if workers == 1:
        uvicorn.run(create_app(runtime), **options)  # type: ignore[arg-type]
    else:
        os.environ["SAFECONDUCT_DATA"] = str(runtime.settings.data_dir)
        uvicorn.run("safeconduct.web.asgi:create", factory=True, workers=workers, **options)  # type: ignore[arg-type]


def recover(
    data: Path = DataOption,
    case: str = typer.Argument(..., help="The case id, or its label as shown in the console (e.g. ABCD-EF23)."),
    grant: str = typer.Option(None, help="Also share the case with this staff member."),
) -> None:
    """Open a case with the recovery key (read from standard input) and print its conversation."""
    from rich.markup import escape

    from safeconduct.cases import content, keys
    from safeconduct.cases.lookup import case_id_for
    from safeconduct.crypto.aead import DecryptionError
    from safeconduct.crypto.keys import InvalidRecoveryKey, parse_recovery_key
    from safeconduct.errors import Refusal
    from safeconduct.staff.models import StaffMember

    runtime = _runtime(data)
    _require_installation(runtime)
    text = sys.stdin.readline() if not sys.stdin.isatty() else typer.prompt("Recovery key", hide_input=True)
    try:
        private = parse_recovery_key(text)
        with runtime.db() as db:
            case = case_id_for(db, case)
            case_key = keys.unseal_for_recipient(db, case, "recovery", private)
            messages = content.read_messages(db, case_id=case, case_key=case_key)
            files = content.list_files(db, case_id=case, case_key=case_key)
            if grant:
                from sqlalchemy import select

                member = db.scalar(select(StaffMember).where(StaffMember.username == grant))
                if member is None:
                    _fail(f"no staff member named {grant}")
                    return
                keys.seal_to_staff(db, case, case_key, member)
                from safeconduct.cases import reshare

                reshare.clear(db, staff_id=member.id, case_id=case)  # a reset account has it again
                db.commit()
    except InvalidRecoveryKey as exc:
        _fail(str(exc))
        return
    except DecryptionError:
        _fail("this recovery key does not open this case (wrong key, or another installation)")
        return
    except Refusal as exc:
        _fail(str(exc))
        return
    console.print(f"Case {case}: {len(messages)} messages, {len(files)} files.")
    for m in messages:
        who = "contact" if m.author.kind == "contact" else f"caseworker {m.author.name}"
        console.print(f"[dim]{m.at:%Y-%m-%d %H:%M} UTC[/] [bold]{escape(who)}[/]: {escape(m.text)}", highlight=False)
    for f in files:
        console.print(f"file {f.id}: {f.name} ({f.size} bytes, sha256 {f.sha256})", highlight=False)
    if grant:
        console.print(f"The case is now shared with {grant}.")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(serve)
    app.command()(recover)
    app.add_typer(staff_app, name="staff")
