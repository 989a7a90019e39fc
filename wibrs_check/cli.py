"""Command-line interface. Wiring only: the work is done in runner, engine and report."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__, spec
from .context import Context
from .report import eds, github, junit, machine, sarif, text
from .rules.registry import NEED_LABELS, all_rules
from .runner import Options, build_report, exit_code

FORMATS = {
    "text": text.render,
    "json": machine.render_json,
    "csv": machine.render_csv,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
}


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    from .config import split_codes

    return split_codes(values)


def _load_agencies(path: str | None):
    if not path:
        return None
    try:
        from .agencies import AgencyFileError, load_agencies
    except ImportError as exc:  # pragma: no cover - the agency module ships with the package
        raise click.UsageError(f"agency files are not supported in this build: {exc}")
    try:
        return load_agencies(path)
    except AgencyFileError as exc:
        raise click.UsageError(str(exc))


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


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "eds", "sarif", "junit", "github"]), default="text", show_default=True,
              help="text for people; json/csv for programs; eds as the FBI writes it; sarif, junit, github for CI (docs/ci.md).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here instead of standard output.")
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
def check(files, fmt, output, select, ignore, agencies, strict, today_, xsd_dir, history_at, commit):
    """Check FILES and report every problem with its FBI error number, record and field.

    Exit status: 0 no errors, 1 errors found (or warnings with --strict), 2 usage error or
    unreadable input.
    """
    from .config import resolve_cli  # settings: [tool.wibrs-check] or wibrs-check.toml; options win

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
    ctx = Context(agencies=_load_agencies(agencies), history=history, today=(today_.date() if today_ else dt.date.today()))
    report = build_report(list(files), ctx, Options(_codes(select), _codes(ignore), strict, xsd_dir), collect=committer)
    if fmt == "eds":
        rendered = eds.render(report.findings, report.processed_on)
        if output:
            warn_path = output.with_name(output.name + ".warnings.eds")
            warn_path.write_text(eds.render(report.findings, report.processed_on, warning_set=True), encoding="ascii", newline="")
    else:
        rendered = FORMATS[fmt](report)
    if output:
        output.write_text(rendered, encoding="utf-8", newline="")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(rendered, nl=False)
    for bad in report.fatal:
        click.echo(f"wibrs-check: {bad['path']}: {bad['message']}", err=True)
    for bad in report.rule_failures:
        click.echo(f"wibrs-check: rule {bad['code']} failed on {bad['path']}: {bad['message']}", err=True)
    for line in committer.messages() if committer else ():
        click.echo(line, err=True)
    sys.exit(2 if committer and committer.failed else exit_code(report, strict))


def _history_configured() -> bool:
    """Whether the settings file names a history store (``history.session.configured`` reads it)."""
    from .config import find

    found = find()
    return found is not None and found[1].get("history") not in (None, False)


# Catalogued codes that are not record rules: how they are reported instead.
SECTION_STATUS = {
    "gap": "agency-level signal (batch, gaps)",
    "file": "reported for each file that cannot be read (unreadable files; exit code 2)",
}


def _status(rule, code: str = "") -> str:
    section = spec.edit_catalog().loc[code, "section"] if code in spec.edit_catalog().index else ""
    if rule is None and section in SECTION_STATUS:
        return SECTION_STATUS[section]
    if rule is None:
        return "not yet implemented"
    if not rule.checks:
        return "not checked without " + " and ".join(NEED_LABELS.get(n, n) for n in sorted(rule.needs))
    if rule.needs:
        return "implemented (needs " + " and ".join(NEED_LABELS.get(n, n) for n in sorted(rule.needs)) + ")"
    if rule.partial_needs:
        return "implemented (in the file; more with " + " and ".join(NEED_LABELS.get(n, n) for n in sorted(rule.partial_needs)) + ")"
    return "implemented"


@main.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def rules(code, fmt):
    """List every edit code with its status, or print the documentation of CODE."""
    registry = all_rules()
    catalog = spec.edit_catalog()
    if code:
        code = code.upper() if not code.isdigit() else code.zfill(3) if len(code) < 3 else code
        if code not in catalog.index:
            raise click.UsageError(f"unknown code {code!r}; run 'wibrs-check rules' for the list")
        row = catalog.loc[code]
        rule = registry.get(code)
        click.echo(f"{code}  {row['severity']}  level {row['level'] or '-'}  data element {row['data_element'] or '(varies)'}")
        click.echo(f"{row['title']}")
        click.echo(f"status: {_status(rule, code)}")
        click.echo("")
        click.echo(rule.documentation() if rule else row["description"])
        return
    rows = []
    for c, row in catalog.iterrows():
        rows.append((c, row["severity"], row["level"], row["data_element"], _status(registry.get(c), c), row["title"]))
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(["code", "severity", "level", "data_element", "status", "title"])
        writer.writerows(rows)
        return
    fbi = [r for r in rows if r[0].isdigit()]
    implemented = sum(1 for r in fbi if r[4].startswith("implemented"))
    for r in rows:
        click.echo(f"{r[0]:>5}  {r[1]:7}  {r[4][:40]:40}  {r[5]}")
    click.echo(f"\n{implemented} of {len(fbi)} FBI edit numbers implemented; "
               f"{sum(1 for r in fbi if r[4].startswith('not checked'))} need data not in the file; "
               f"{sum(1 for r in fbi if r[4] == 'not yet implemented')} not yet implemented.")


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


_register_optional_commands()
