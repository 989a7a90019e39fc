"""``wibrs-check report YEAR --history URL``: the state's year view, read from the history
store only (wiring; the work is in :mod:`wibrs_check.year`, see docs/year-report.md)."""

from __future__ import annotations

from pathlib import Path

import click

# The history package (SQLAlchemy, pandas) is imported only when the command runs; this is
# ``wibrs_check.history.session.ENV``.
HISTORY_ENV = "WIBRS_CHECK_HISTORY"


def _formats(value: str) -> tuple[str, ...]:
    from ..year.output import FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated), not {', '.join(unknown) or value!r}")
    return chosen


@click.command()
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--history", "history_at", envvar=HISTORY_ENV, metavar="PATH|URL",
              help="The history store (default: the settings file's 'history', else the file in your data folder).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="Figures as the store held them at the end of this day (default: today).")
@click.option("--compare-as-of", "compare_as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="A second date: the trafficking figures then, and the change in the DOJ report's words.")
@click.option("--agencies", type=click.Path(exists=True, dir_okay=False),
              help="Agency master file (CSV): agency names, and agencies that sent nothing.")
@click.option("--output-dir", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("year-report"),
              show_default=True, help="Folder for the tables and the page.")
@click.option("--format", "fmt", default="csv,json,xlsx,html", show_default=True,
              help="Any of csv, json, xlsx, html (comma-separated).")
def report(year, history_at, as_of, compare_as_of, agencies, output_dir, fmt):
    """The year YEAR from the history store: agency scorecards, FBI certification, trafficking
    figures and follow-up lists (docs/year-report.md). Files are never read again."""
    from ..history import HistoryError, open_store
    from ..history.session import configured
    from ..year import build
    from ..year.output import write

    formats = _formats(fmt)
    table = None
    if agencies:
        from ..agencies import AgencyFileError, load_agencies

        try:
            table = load_agencies(agencies)
        except AgencyFileError as exc:
            raise click.UsageError(str(exc)) from None
    try:
        store = open_store(history_at or configured() or "default", create=False)
    except HistoryError as exc:
        raise click.UsageError(str(exc)) from None
    with store:
        built = build(store, year, as_of.date() if as_of else None,
                      compare_as_of.date() if compare_as_of else None, table)
    for path in write(built, output_dir, formats):
        click.echo(f"wrote {path}", err=True)
    for sentence in built.sentences:
        click.echo(sentence)
