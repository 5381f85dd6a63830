"""Where the command line writes, so that no message is ever hard-wrapped.

Without a terminal (a script, a pipe, a test) Rich assumes 80 columns and breaks long lines, so a path or
an error arrives cut in two ("Nothing was \\nchanged."). Every command prints through these consoles, which
never wrap or crop text; a command's errors go through :func:`fail`. Typer's own error panels would wrap
the same way, so the applications are built by :func:`typer_app`, which leaves errors to Click's plain,
unwrapped output (and turns off Rich tracebacks, whose local variables could show a key or a password).
"""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

#: Standard output: results.
console = Console(soft_wrap=True)
#: Standard error: errors, notes and progress.
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` as an error on standard error, whole, and stop with exit status `code`."""
    err.print(Text.assemble(("Error:", "bold red"), " ", message), highlight=False)
    raise typer.Exit(code=code)


def typer_app(**kwargs: Any) -> typer.Typer:
    """A Typer application (or sub-application) whose errors are printed whole, on one line each."""
    kwargs.setdefault("rich_markup_mode", None)
    kwargs.setdefault("pretty_exceptions_enable", False)
    return typer.Typer(**kwargs)
