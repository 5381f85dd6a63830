"""`safeconduct archive build`: the prevention archive as a static site that can be hosted anywhere."""

from __future__ import annotations

from pathlib import Path

import typer

from safeconduct.cli.output import console, err, typer_app

app = typer_app(no_args_is_help=True, help="The prevention archive of published testimonies.")


@app.command("build")
def build(data: Path = typer.Option(..., "--data", help="The data folder."),
          out: Path = typer.Option(..., "-o", "--out", help="The folder to write the site into (replaced).")) -> None:
    """Write the static archive: English, French and Arabic pages, the media, the signed entries, a feed."""
    from safeconduct.archive import entries, site
    from safeconduct.archive.themes import ThemesError
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.web.archive.pages import archive_site

    runtime = _runtime(data)
    _require_installation(runtime)
    try:
        with runtime.db() as db:
            published, everything = entries.published(db), entries.everything(db)
            proofs = entries.log_proofs(db, runtime.org.signing_key, [e.id for e in published])
            db.commit()  # the tree head the proofs lead to, if a new one was signed
        files = site.build(archive_site(runtime), runtime.settings.data_dir, out, published, everything, proofs)
    except (ThemesError, FileExistsError) as error:
        err.print(f"not built: {error}")
        raise typer.Exit(1) from None
    finally:
        runtime.engine.dispose()
    console.print(f"wrote {out}: {len(published)} testimonies, {files} files; open {out / 'index.html'}")
