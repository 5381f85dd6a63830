"""`safeconduct rights list`: which rights pages the site shows, where each comes from, and what is broken."""

from __future__ import annotations

from pathlib import Path

import typer

from safeconduct.cli.output import console, err, typer_app

app = typer_app(no_args_is_help=True, help="Rights information pages (DATA/rights/COUNTRY.LANGUAGE.md).")


@app.command("list")
def list_pages(data: Path = typer.Option(..., "--data", help="The data folder.")) -> None:
    """Every page the contact pages show, with its origin and last review; broken files and why."""
    from safeconduct.rights import load_shelf
    from safeconduct.web.i18n import LANGUAGES

    shelf = load_shelf(data, tuple(LANGUAGES))
    for (country, language), page in sorted(shelf.pages.items()):
        console.print(f"/rights/{country}  {language}  reviewed {page.reviewed}  {page.origin:<12}  {page.title}")
    for problem in shelf.problems:
        err.print(f"left out: {problem}")
    console.print(f"{len(shelf.pages)} page(s); add or replace pages in {Path(data) / 'rights'}")
    if shelf.problems:
        raise typer.Exit(1)
