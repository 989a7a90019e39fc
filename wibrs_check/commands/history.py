"""``wibrs-check history``: look at the history store (where it is, what it holds, by month).

``check --history X [--commit]`` is what fills it; see docs/history.md.
"""

from __future__ import annotations

import sys

import click

from ..history import HistoryError, default_path, open_store
from ..history.session import ENV, configured


def _open(value: str | None):
    value = value or configured() or "default"
    try:
        return open_store(value, create=False)
    except HistoryError as exc:
        raise click.UsageError(str(exc)) from None


HISTORY_OPTION = click.option(
    "--history", "history_at", envvar=ENV, metavar="PATH|URL",
    help="The history store (default: the settings file's 'history', else the file in your data folder).")


@click.group()
def history() -> None:
    """Look at the history store of earlier submissions (filled by check --history ... --commit)."""


@history.command()
@HISTORY_OPTION
def info(history_at):
    """Where the store is and how much it holds."""
    store = _open(history_at)
    with store:
        click.echo(f"history store: {store.location} ({store.dialect})")
        for table, count in store.counts().items():
            click.echo(f"  {table:16} {count}")
        runs = store.runs()
        if len(runs):
            last = runs.iloc[0]
            click.echo(f"last run: {last['id']} at {last['finished_at']}: {last['files']} file(s), "
                       f"{last['incidents_added']} incidents added, {last['incidents_deleted']} deleted")


@history.command()
@HISTORY_OPTION
@click.option("--ori", multiple=True, help="Only these agencies.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def months(history_at, ori, fmt):
    """Per agency and month: incidents, arrests and zero reports on file, and how committed runs fared."""
    store = _open(history_at)
    with store:
        table = store.months(list(ori) if ori else None)
    if fmt == "csv":
        table.to_csv(sys.stdout, index=False)
    elif len(table):
        click.echo(table.to_string(index=False))
    else:
        click.echo("nothing on file yet")


@history.command()
@HISTORY_OPTION
@click.argument("file", required=False)
@click.option("--ori", help="With --month: remove this agency's month instead of a file.")
@click.option("--month", metavar="YYYY-MM", help="Month of submission (with --ori).")
@click.option("--dry-run", is_flag=True, help="Say what would be removed, change nothing.")
def remove(history_at, file, ori, month, dry_run):
    """Take back a mistaken --commit: remove what FILE (or an agency's month) put on file.

    One transaction: the incidents, Group B arrests and zero reports it recorded, the reports
    it sent, its counts. Deletes it applied are not undone (the store does not keep what a
    delete removed).
    """
    from ..history.remove import remove as remove_from

    if month and not ori:
        raise click.UsageError("--month goes with --ori (to remove a file, name the file)")
    store = _open(history_at)
    with store:
        try:
            removal = remove_from(store, file=file, ori=ori.upper() if ori else None, month=month, dry_run=dry_run)
        except HistoryError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"{removal.describe()} ({store.location})")


@history.command()
def where():
    """Print where the default store lives."""
    click.echo(str(default_path()))
