"""``wibrs-check batch``: the state's monthly run over every agency's files.

Wiring only: :mod:`wibrs_check.batch` checks the files and sums them up,
:mod:`wibrs_check.gaps` raises the offense-code gap signals, :mod:`wibrs_check.report.html`
draws the HTML report; the findings writers are those of ``wibrs-check check``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from .. import batch as batch_mod
from .. import gaps as gaps_mod
from ..config import resolve_cli, split_codes
from ..context import Context
from ..runner import Options, exit_code
from ..terminal import echo, rich_safe
from .cluster import commit_option

FINDINGS_FORMATS = ("csv", "json", "text", "eds", "sarif", "junit", "github", "xlsx")


def codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return split_codes(values)


def load_agencies(path: str | None):
    from ..options import load_agency_file

    return load_agency_file(path)


def months_option(values: tuple[str, ...]) -> list[str]:
    out = []
    for value in codes(values):
        try:
            out.append(dt.datetime.strptime(value, "%Y-%m").strftime("%Y-%m"))
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a month YYYY-MM", param_hint="--month") from None
    return out


def common_options(func):
    """Options shared by batch and gaps (settings keys select, ignore, agencies, jobs)."""
    options = [
        click.argument("inputs", nargs=-1, required=True),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Worker processes (default: the jobs setting, else every core)."),
        click.option("--agencies", type=click.Path(exists=True, dir_okay=False),
                     help="Agency master file (CSV): agency names, agency edits, and who sent nothing."),
        click.option("--select", multiple=True, help="Only these codes or code prefixes (comma-separated)."),
        click.option("--ignore", multiple=True, help="Skip these codes or code prefixes."),
        click.option("--month", "months", multiple=True,
                     help="The month(s) YYYY-MM the run covers (default: the months the files carry). "
                          "An agency that sent nothing for one of them is listed."),
        click.option("--today", "today_", type=click.DateTime(["%Y-%m-%d"]),
                     help="Pretend today is this date (for future-date edits)."),
        click.option("--xsd-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Also validate XML files against the NIBRS IEPD 2019.1 schemas in this folder."),
        click.option("--progress/--no-progress", default=None,
                     help="Progress on stderr (default: a bar when stderr is a terminal, else none)."),
    ]
    for option in reversed(options):
        func = option(func)
    from ..history.session import batch_option  # --history: months from the store (docs/history.md)
    from .cluster import cluster_options  # --scheduler, --upload (docs/cluster.md)

    return cluster_options(batch_option(func))


def run(inputs, jobs, agencies, select, ignore, strict, months, today_, xsd_dir, progress, exclude=None,
        plain_progress: bool = False):
    settings = resolve_cli(codes(select), codes(ignore), agencies, strict, jobs)
    from ..history.session import for_batch

    ctx = Context(agencies=load_agencies(settings.agencies), history=for_batch(),
                  today=(today_.date() if today_ else dt.date.today()))
    options = Options(settings.select, settings.ignore, settings.strict, xsd_dir)
    if progress is None and plain_progress and not sys.stderr.isatty():
        progress = True  # plain lines for a long run into a log
    from .cluster import open_for_run

    cluster = open_for_run(settings.jobs or batch_mod.default_jobs(), ctx.history)
    try:
        result = batch_mod.run_batch(inputs, ctx, options, jobs=settings.jobs, progress=progress,
                                     months=months_option(months), exclude=exclude, cluster=cluster)
        if cluster is not None:
            result.stats["scheduler"] = cluster.address
            messages, failed = cluster.commit_messages(ctx.history)
            result.stats["commit_messages"], result.stats["commit_failed"] = messages, failed
    finally:
        if cluster is not None:
            cluster.close()
    if not result.inputs.paths and not result.report.fatal:
        raise click.UsageError("no submission files found in " + ", ".join(inputs))
    result.report.settings_file = str(settings.source) if settings.source else ""  # named in findings.json
    return result, settings


def path_accounting(result: batch_mod.BatchResult) -> dict[str, int]:
    """Every path the inputs named or a folder held, in exactly one of checked, unreadable
    (could not be read, or not a regular file named on its own) and skipped."""
    named = {str(p) for p in result.inputs.paths}
    unreadable = sum(1 for bad in result.report.fatal if bad["path"] in named)
    checked = len(named) - unreadable
    skipped = len(result.inputs.skipped)
    return {"found": checked + unreadable + skipped, "checked": checked, "unreadable": unreadable,
            "skipped": skipped}


def refuse_missing_inputs(inputs) -> None:
    """A path named on the command line that does not exist is a usage error (exit 2): the
    run stops before checking anything and writes no report. Globs and @list files are
    expanded later; their misses are reported with the run."""
    for item in inputs:
        text = str(item)
        if text.startswith("@"):
            text = text[1:]
        elif batch_mod.GLOB_CHARS & set(text):
            continue
        if not os.path.lexists(text):
            raise click.UsageError(f"{item}: no such file or folder")


def write_outputs(result: batch_mod.BatchResult, output_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """summary.csv/json, gaps.csv/json, report.html and findings in each format, into ``output_dir``."""
    from ..options import FORMATS, OUTPUT_NAMES
    from ..report import eds

    output_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, text: str, encoding: str = "utf-8") -> None:
        path = output_dir / name
        path.write_text(text, encoding=encoding, newline="")
        written.append(path)

    write("summary.csv", batch_mod.summary_csv(result))
    write("summary.json", batch_mod.summary_json(result))
    write("gaps.csv", gaps_mod.render_csv(result.gaps))
    write("gaps.json", gaps_mod.render_json(result.gaps, result.months))
    write("report.html", batch_mod.render_html(result))
    report = result.report
    for fmt in formats:
        if fmt == "eds":
            write(OUTPUT_NAMES[fmt], eds.render(report.findings, report.processed_on), "ascii")
            write("findings.warnings.eds", eds.render(report.findings, report.processed_on, warning_set=True), "ascii")
        elif fmt == "xlsx":  # findings and the per-agency summary of the run
            from ..report import xlsx

            path = output_dir / OUTPUT_NAMES[fmt]
            path.write_bytes(xlsx.render(report, summary=result.summary))
            written.append(path)
        else:
            write(OUTPUT_NAMES[fmt], FORMATS[fmt](report))
    return written


# Terminal table columns in display order: (summary column, header, right-aligned, priority).
# On a narrow terminal the table keeps the columns that fit, lowest priority number first,
# and says which it left out (summary.csv has them all).
TABLE_COLUMNS = (
    ("ori", "ORI", False, 0), ("name", "agency", False, 8), ("month", "month", False, 1),
    ("format", "format", False, 7), ("records", "records", True, 13), ("incidents", "incidents", True, 2),
    ("incidents_accepted", "inc.\naccepted", True, 9), ("incidents_rejected", "inc.\nrejected", True, 1),
    ("received", "reports\nreceived", True, 11), ("rejected", "reports\nrejected", True, 12),
    ("error_rate", "error\nrate", True, 3), ("top_errors", "top errors", False, 4),
    ("warnings", "warnings", True, 10), ("ht_flags", "HT\nflags", True, 5), ("layout", "layout", False, 6),
)
NAME_WIDTH = 28


def _cell(name: str, value) -> str:
    if name == "error_rate":
        return f"{value:.1%}"
    if name == "layout" and "short" in str(value):
        return f"[yellow]{value}[/yellow]"
    if name == "name":
        text = str(value)
        return rich_safe(text if len(text) <= NAME_WIDTH else text[:NAME_WIDTH - 1] + "…")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return rich_safe(value)


def _fitting_columns(frame, width: int, wanted) -> tuple[list, list]:
    """The columns of ``wanted`` that fit in ``width`` characters (by priority), in display
    order, and the headers of those left out."""
    import re

    kept, left_out, used = [], [], 1
    for column in sorted(wanted, key=lambda c: c[3]):
        name, header = column[0], column[1]
        cells = [re.sub(r"\[/?[a-z]+\]", "", _cell(name, v)) for v in frame[name]]
        need = max([len(line) for line in header.split("\n")] + [len(c) for c in cells]) + 3
        if used + need <= width:
            kept.append(column)
            used += need
        else:
            left_out.append(header.replace("\n", " "))
    return [c for c in wanted if c in kept], left_out


def print_summary(result: batch_mod.BatchResult, rows: int, written: list[Path]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    t = batch_mod.totals(result)
    s = result.summary
    sent = s[s["status"] != "nothing sent"].copy()
    months = ", ".join(rich_safe(m) for m in result.months) or "no month"
    strangers = f" ({t['agencies_not_in_agency_file']:,} not in the agency file)" if t["agencies_not_in_agency_file"] else ""
    blanks = f", {t['blank_lines']:,} blank lines" if t["blank_lines"] else ""
    console.print(
        f"[bold]wibrs-check batch[/bold] ({months}): {t['files']:,} files; {t['agencies_sent']:,} agencies sent "
        f"reports{strangers}, {t['agencies_nothing_sent']:,} sent nothing.\n"
        f"Records: {t['records_read']:,} read, {t['records_placed']:,} in segments, {t['records_unplaced']:,} "
        f"unplaced (error 051){blanks}.\n"
        f"Incidents: {t['incidents']:,} received, {t['incidents_accepted']:,} would be accepted, "
        f"{t['incidents_rejected']:,} rejected. All reports (incidents, deletes, arrests, zero reports, summary "
        f"returns): {t['received']:,}, {t['rejected']:,} rejected ({t['error_rate']:.1%}).\n"
        f"Findings: {t['errors']:,} errors, {t['warnings']:,} warnings, {t['ht_flags']:,} trafficking flags.")
    # A damaged file first (a file-level error such as XML01), then the most rejected reports.
    ordered = sent.assign(_damaged=sent["file_errors"] > 0).sort_values(
        ["_damaged", "rejected", "error_rate", "ori"], ascending=[False, False, False, True])
    shown = ordered if rows <= 0 else ordered.head(rows)
    wanted = [c for c in TABLE_COLUMNS
              if (c[0] != "name" or (s["name"] != "").any()) and (c[0] != "month" or len(result.months) > 1)]
    columns, left_out = _fitting_columns(shown, console.width, wanted)
    title = "By agency: damaged files first, then the most rejected reports"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name, header, right, _ in columns:
        table.add_column(header, justify="right" if right else "left", no_wrap=True)
    for r in shown.itertuples(index=False):
        table.add_row(*(_cell(name, getattr(r, name)) for name, *_ in columns))
    console.print(table)
    if left_out:
        console.print(f"(too narrow for {', '.join(left_out)}: see summary.csv)")
    if len(shown) < len(ordered):
        console.print(f"({len(ordered) - len(shown):,} more agencies in summary.csv; --rows 0 shows all)")
    nothing = s[s["status"] == "nothing sent"]
    if len(nothing):
        listed = ", ".join(rich_safe(f"{r.ori}{' ' + r.name if r.name else ''}") for r in nothing.head(12).itertuples())
        more = f" and {len(nothing) - 12} more (summary.csv, status 'nothing sent')" if len(nothing) > 12 else ""
        console.print(f"[bold]Sent nothing[/bold] ({len(nothing):,}): {listed}{more}")
    elif not (s["name"] != "").any():
        console.print("(give --agencies to list the agencies that sent nothing)")
    strangers = sent[sent["status"] == "not in agency file"]
    if len(strangers) and (s["name"] != "").any():
        console.print(f"[bold]Not in the agency file[/bold] ({len(strangers):,}): "
                      + ", ".join(rich_safe(o) for o in sorted(set(strangers["ori"]))[:12]))
    if len(result.gaps):
        counts = ", ".join(f"{code} {n}" for code, n in gaps_mod.by_code(result.gaps).items())
        console.print(f"[bold]Offense-code gap signals[/bold] (agencies): {counts}; see gaps.csv and report.html")
    if t["agencies_with_file_errors"]:
        console.print(f"[red]damaged files[/red] (a file-level error such as XML01, a file cut off) from "
                      f"{', '.join(rich_safe(o) for o in t['agencies_with_file_errors'])}: see top errors")
    for bad in result.report.fatal:
        console.print(f"[red]unreadable[/red] {rich_safe(bad['path'])}: {rich_safe(bad['message'])}")
    for quiet in batch_mod.files_without_agency(result.report):
        console.print(f"[red]no agency[/red] {rich_safe(quiet['path'])} ({quiet['records_read']:,} records): "
                      f"{rich_safe(quiet['findings'])}")
    if result.inputs.skipped:
        console.print(f"skipped {len(result.inputs.skipped)} file(s) that are not submissions "
                      f"(listed in summary.json): {', '.join(rich_safe(Path(x['path']).name) for x in result.inputs.skipped[:5])}"
                      + (" ..." if len(result.inputs.skipped) > 5 else ""))
    st = result.stats
    where = f" on the Dask cluster {st['scheduler']}" if st.get("scheduler") else ""
    console.print(f"checked in {st['seconds']:.1f} s with {st['jobs']} worker(s){where}: {st['files_per_second']:.2f} "
                  f"files/s, {st['records_per_second']:,.0f} records/s")
    if "accounting" in st:
        from ..executors import describe_accounting

        console.print(describe_accounting(st["accounting"]))
    for line in st.get("commit_messages", ()):
        console.print(rich_safe(line))
    found = path_accounting(result)
    console.print(f"paths found: {found['found']:,}: {found['checked']:,} checked, {found['unreadable']:,} "
                  f"unreadable, {found['skipped']:,} skipped")
    if written:
        console.print(f"wrote {len(written)} files to {rich_safe(written[0].parent)}: {', '.join(p.name for p in written)}")


@click.command("batch")
@common_options
@commit_option  # with --scheduler (docs/cluster.md)
@click.option("--output-dir", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("wibrs-check-report"),
              show_default=True, help="Folder for summary, gap report, HTML report and findings.")
@click.option("--format", "formats", multiple=True, default=("csv",), show_default=True,
              help="Findings file format(s), comma-separated: " + ", ".join(FINDINGS_FORMATS) + ".")
@click.option("--strict/--no-strict", default=None, help="Warnings also make the exit status 1.")
@click.option("--rows", type=int, default=40, show_default=True,
              help="Agencies shown in the terminal table (0: all; every agency is in summary.csv).")
def batch(inputs, jobs, agencies, select, ignore, months, today_, xsd_dir, progress, output_dir, formats, strict, rows):
    """Check a month of files: INPUTS are folders, glob patterns ('month/*.txt'), list files
    (@files.txt, one path a line) or files, in any mix of flat, XML and summary (SBR) formats.

    Files are checked in parallel worker processes with a progress bar; an unreadable file is
    reported and the run goes on. Writes to --output-dir: summary.csv and summary.json (one
    row per agency and month, with the agencies of --agencies that sent nothing), gaps.csv and
    gaps.json (offense-code gap signals), report.html (one self-contained page with charts)
    and the findings (--format). Prints the per-agency table.

    Exit status as for check: 0 no errors, 1 errors (or warnings with --strict), 2 usage
    error, unreadable input or a failed rule.
    """
    chosen = codes(formats)
    bad = [f for f in chosen if f not in FINDINGS_FORMATS]
    if bad:
        raise click.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FINDINGS_FORMATS)}",
                                 param_hint="--format")
    refuse_missing_inputs(inputs)
    from ..options import check_writable

    check_writable(output_dir, folder=True)
    result, settings = run(inputs, jobs, agencies, select, ignore, strict, months, today_, xsd_dir, progress,
                           exclude=output_dir, plain_progress=True)
    written = write_outputs(result, output_dir, tuple(dict.fromkeys(chosen)))
    print_summary(result, rows, written)
    for bad_rule in result.report.rule_failures:
        echo(f"wibrs-check: rule {bad_rule['code']} failed on {bad_rule['path']}: {bad_rule['message']}", err=True)
    sys.exit(2 if result.stats.get("commit_failed") else exit_code(result.report, settings.strict))
