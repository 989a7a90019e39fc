"""Command-line interface. Wiring only: the work is done in runner, engine and report."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__, spec
from .context import Context
from .options import FORMATS, OUTPUT_NAMES, check_writable, load_agency_file
from .report import eds
from .runner import Options, default_jobs, exit_code
from .terminal import echo


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    from .config import split_codes

    return split_codes(values)


def _refuse_folders(files) -> None:
    """``check`` takes files; a folder is a month for ``batch``."""
    for path in files:
        if Path(path).is_dir():
            raise click.UsageError(f"{path} is a folder; use 'wibrs-check batch {path}' to check every file in it")


class LazyGroup(click.Group):
    """A command group whose optional commands are imported only when one is run or listed,
    so that ``check`` and ``rules`` do not pay for SQLAlchemy, Alembic, rich or Dask."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = {}

    def add_lazy_command(self, name: str, module: str, attribute: str) -> None:
        self.lazy[name] = (module, attribute)

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | {n for n in self.lazy if self.get_command(ctx, n)})

    def get_command(self, ctx, name):
        if name not in self.commands and name in self.lazy:
            import importlib

            module, attribute = self.lazy.pop(name)
            try:
                command = getattr(importlib.import_module(module, __package__), attribute)
            except ImportError:  # an optional part not installed: the command is simply absent
                return None
            self.add_command(command, name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wibrs-check")
def main() -> None:
    """Check WIBRS / NIBRS crime-data submissions before the state or the FBI rejects them."""


# The format an output file's extension stands for when --format is not given.
EXTENSION_FORMATS = {".txt": "text", ".text": "text", ".json": "json", ".csv": "csv", ".eds": "eds",
                     ".sarif": "sarif", ".xml": "junit", ".html": "html", ".htm": "html",
                     ".xlsx": "xlsx"}  # a format is used only when this build has its writer (FORMATS)


def output_formats(fmt: str | None, output: Path | None) -> tuple[str, ...]:
    """The formats to write: --format (comma-separated), else the output file's extension,
    else text. An unknown name is a usage error naming the ones there are."""
    if fmt:
        chosen = tuple(dict.fromkeys(_codes((fmt,))))
        bad = [f for f in chosen if f not in FORMATS]
        if bad:
            raise click.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}",
                                     param_hint="--format")
        return chosen or ("text",)
    if output is not None and not output.is_dir():
        suffixes = "".join(output.suffixes[-2:]).lower()
        for suffix in (suffixes, output.suffix.lower()):
            if suffix in EXTENSION_FORMATS and EXTENSION_FORMATS[suffix] in FORMATS:
                return (EXTENSION_FORMATS[suffix],)
    return ("text",)


def _write(path: Path, fmt: str, report) -> list[Path]:
    """Write ``report`` as ``fmt`` to ``path`` (the EDS with its companion warning set)."""
    rendered = FORMATS[fmt](report)
    if isinstance(rendered, bytes):  # a binary format (a workbook)
        path.write_bytes(rendered)
    else:
        path.write_text(rendered, encoding="ascii" if fmt == "eds" else "utf-8", newline="")
    if fmt != "eds":
        return [path]
    warn_path = path.with_name(path.name + ".warnings.eds")
    warn_path.write_text(eds.render(report.findings, report.processed_on, warning_set=True), encoding="ascii",
                         newline="")
    return [path, warn_path]


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default=None, metavar="FORMAT[,FORMAT...]",
              help="text for people (the default); html for a one-page report; json/csv for programs; eds as "
                   "the FBI writes it; sarif, junit, github for CI (docs/ci.md); xlsx an Excel workbook. Without it, -o FILE picks the "
                   "format from its extension (.csv, .json, .eds, .html, .sarif, .xml, .txt, .xlsx). Several, "
                   "comma-separated, need -o DIR.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write the report here instead of standard output; a folder for several formats.")
@click.option("--select", multiple=True, help="Only these codes or code prefixes (comma-separated, e.g. 4,IO02).")
@click.option("--ignore", multiple=True, help="Skip these codes or code prefixes.")
@click.option("--agencies", type=click.Path(exists=True, dir_okay=False), help="Agency master file (CSV).")
@click.option("--strict/--no-strict", default=None, help="Warnings also make the exit code 1 (default: the strict setting, else off).")
@click.option("--today", "today_", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date (for future-date edits).")
@click.option("--xsd-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of the NIBRS IEPD 2019.1 schemas: XML files are also validated against them.")
@click.option("--history", "history_at", envvar="WIBRS_CHECK_HISTORY", metavar="PATH|URL",
              help="History store of earlier submissions (a SQLite file, 'default' for the one in your data "
                   "folder, or postgresql://...): adds the edits that compare with what was sent before (docs/history.md).")
@click.option("--commit", is_flag=True,
              help="After checking, record the accepted incidents, arrests and zero reports in the history store and "
                   "apply the deletes, one transaction per file. Use it once, for the file you actually send.")
@click.option("--chunk-mb", type=click.FloatRange(min=0.01), default=None, metavar="MB",
              help="Check a flat file larger than this in chunks split at incident boundaries, with the same "
                   "findings (default: sized for this machine's memory; docs/cluster.md).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the chunks of a split file (default: every core).")
@click.option("--scheduler", metavar="ADDRESS", envvar="WIBRS_CHECK_SCHEDULER",
              help="Check the chunks of a split file on a Dask cluster (tcp://host:8786, or 'local').")
def check(files, fmt, output, select, ignore, agencies, strict, today_, xsd_dir, history_at, commit, chunk_mb, jobs,
          scheduler):
    """Check FILES and report every problem with its FBI error number, record and field.

    Exit status: 0 no errors, 1 errors found (or warnings with --strict), 2 usage error or
    unreadable input.
    """
    from .config import resolve_cli  # settings: [tool.wibrs-check] or wibrs-check.toml; options win

    formats = output_formats(fmt, output)
    if "xlsx" in formats and output is None and sys.stdout.isatty():
        raise click.UsageError("--format xlsx writes a binary workbook: give --output FILE.xlsx or redirect")
    if len(formats) > 1 and output is None:
        raise click.UsageError(f"{len(formats)} formats need a folder to write them to: add -o DIR")
    if len(formats) > 1 and output.exists() and not output.is_dir():
        raise click.UsageError(f"{output} is a file; several formats are written to a folder (-o DIR)")
    settings = resolve_cli(_codes(select), _codes(ignore), agencies, strict)
    select, ignore, agencies, strict = settings.select, settings.ignore, settings.agencies, settings.strict
    history = committer = None
    if history_at or commit or _history_configured():  # SQLAlchemy and Alembic only when a store is used
        from .history import HistoryError
        from .history.session import open_for_check

        try:
            history, committer = open_for_check(history_at, commit, _codes(select), _codes(ignore))
        except HistoryError as exc:
            raise click.UsageError(str(exc)) from None
    _refuse_folders(files)
    if output is not None:
        check_writable(output, folder=len(formats) > 1 or output.is_dir())
    ctx = Context(agencies=load_agency_file(agencies), history=history, today=(today_.date() if today_ else dt.date.today()))
    report = _checked_report(list(files), ctx, Options(_codes(select), _codes(ignore), strict, xsd_dir), committer,
                             chunk_mb, jobs, scheduler)
    report.settings_file = str(settings.source) if settings.source else ""
    if ctx.agencies is not None:  # a clerk's file: only its own agencies' missing months, not the state's
        from .gaps import senders_missing_months

        report.nothing_sent = senders_missing_months(report.units, ctx.agencies)
    if output is not None and (len(formats) > 1 or output.is_dir()):
        output.mkdir(parents=True, exist_ok=True)
        written = [p for f in formats for p in _write(output / OUTPUT_NAMES[f], f, report)]
        echo(f"wrote {', '.join(str(p) for p in written)}", err=True)
    elif output is not None:
        written = _write(output, formats[0], report)
        echo(f"wrote {written[0]}", err=True)
    else:
        rendered = FORMATS[formats[0]](report)
        if isinstance(rendered, bytes):  # a workbook: only to a file or a pipe, never onto a terminal
            click.echo(rendered, nl=False)
        else:
            echo(rendered, nl=False)
    for bad in report.fatal:
        echo(f"wibrs-check: {bad['path']}: {bad['message']}", err=True)
    for bad in report.rule_failures:
        echo(f"wibrs-check: rule {bad['code']} failed on {bad['path']}: {bad['message']}", err=True)
    for line in committer.messages() if committer else ():
        echo(line, err=True)
    sys.exit(2 if committer and committer.failed else exit_code(report, strict))


def _checked_report(files, ctx, options, committer, chunk_mb, jobs, scheduler):
    """The report of ``check``: a huge flat file is checked in chunks (wibrs_check.split)."""
    from .split import build_report as build_split_report, default_chunk_mb

    jobs = jobs or default_jobs()
    chunk_bytes = int((chunk_mb or default_chunk_mb(jobs)) * 2**20)

    def told(path, chunks):
        echo(f"wibrs-check: {path} is checked in {chunks} chunks of about {chunk_bytes / 2**20:,.1f} MB", err=True)

    if not scheduler:
        return build_split_report(files, ctx, options, chunk_bytes, jobs, collect=committer, on_split=told)
    from .executors import ClusterError, open_cluster

    try:
        cluster = open_cluster(scheduler, jobs)
    except ClusterError as exc:
        raise click.UsageError(str(exc)) from None
    with cluster:
        return build_split_report(files, ctx, options, chunk_bytes, jobs, cluster, collect=committer, on_split=told)


def _history_configured() -> bool:
    """Whether the settings file names a history store (``history.session.configured`` reads it)."""
    from .config import find

    found = find()
    return found is not None and found[1].get("history") not in (None, False)


@main.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def rules(code, fmt):
    """List every edit code with its status, or print the documentation of CODE."""
    from . import rule_docs

    if code:
        code = rule_docs.normalise_code(code)
        if code not in spec.edit_catalog().index:
            raise click.UsageError(f"unknown code {code!r}; run 'wibrs-check rules' for the list")
        click.echo(rule_docs.rule_text(code))
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(["code", "severity", "level", "data_element", "status", "title"])
        writer.writerows(rule_docs.rule_rows())
        return
    click.echo(rule_docs.listing(), nl=False)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--agencies", "agency_count", type=int, default=3, show_default=True, help="How many Wisconsin agencies.")
@click.option("--incidents", type=int, default=60, show_default=True, help="Clean Group A incidents per agency.")
@click.option("--inject", default="all", show_default=True, help="Codes to plant (comma-separated), 'all' or 'none'.")
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--month", default="2026-07", show_default=True, help="Submission month YYYY-MM.")
def generate(directory, agency_count, incidents, inject, seed, month):
    """Write a generated Wisconsin month (one flat file per agency) and expected_findings.csv."""
    from .generator import incidents as gen
    from .generator.inject import build_month, write_month

    year, mon = (int(x) for x in month.split("-"))
    oris = tuple((gen.WI_ORIS * (agency_count // len(gen.WI_ORIS) + 1))[:agency_count]) if agency_count <= len(gen.WI_ORIS) \
        else tuple(f"WI{n:07d}" for n in range(100, 100 + agency_count * 100, 100))
    codes = None if inject == "all" else () if inject == "none" else _codes((inject,))
    built = build_month(seed=seed, oris=oris, year=year, month=mon, incidents_per_agency=incidents, codes=codes)
    paths = write_month(built, directory)
    built.expected.to_csv(Path(directory) / "expected_findings.csv", index=False)
    click.echo(f"wrote {len(paths)} files and {len(built.expected)} expected findings to {directory}")


def _register_optional_commands() -> None:
    main.add_lazy_command("history", ".commands.history", "history")
    main.add_lazy_command("batch", ".commands.batch", "batch")
    main.add_lazy_command("gaps", ".commands.gaps", "gaps")
    main.add_lazy_command("classify", ".commands.classify", "classify")
    main.add_lazy_command("serve", ".commands.serve", "serve")
    main.add_lazy_command("report", ".commands.report", "report")


_register_optional_commands()
