"""``wibrs-check gaps``: the offense-code gap report alone, agency by agency.

The same run as ``wibrs-check batch`` (every file is checked, since a rejected 64A/64B
incident is one of the signals), printing only the gap report. See :mod:`wibrs_check.gaps`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import gaps as gaps_mod
from .batch import common_options, refuse_missing_inputs, run
from ..terminal import echo


@click.command("gaps")
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the gap report here instead of standard output.")
def gaps(inputs, jobs, agencies, select, ignore, months, today_, xsd_dir, progress, fmt, output):
    """Where is trafficking not being coded? INPUTS as for batch (folders, globs, @list files,
    files; one month or several).

    Agency by agency, each signal with its evidence counts and a recommendation: GAP02
    juvenile-prostitution evidence but no 64A/64B in any month given; GAP03 64A/64B incidents
    rejected for errors; GAP04 short 2019.1 layouts (no cargo theft/LEOKA ...); GAP01/GAP05 summary agencies with no
    Human Trafficking return, or juvenile prostitution arrests and no 64A; GAP06 sent nothing
    at all for a month (needs --agencies). 'wibrs-check rules GAP02' explains a code.

    Exit status: 0 no gap signal, 1 at least one, 2 usage error or unreadable input.
    """
    refuse_missing_inputs(inputs)
    if output:
        from ..options import check_writable

        check_writable(output)
    result, settings = run(inputs, jobs, agencies, select, ignore, False, months, today_, xsd_dir, progress)
    frame = result.gaps
    if fmt == "csv":
        text = gaps_mod.render_csv(frame)
    elif fmt == "json":
        text = gaps_mod.render_json(frame, result.months, {"unreadable_files": result.report.fatal})
    else:
        text = gaps_mod.render_text(frame, result.months)
        if result.report.fatal:
            text += "".join(f"UNREADABLE {b['path']}: {b['message']}\n" for b in result.report.fatal)
        if not settings.agencies:
            text += "(no agency master file given: agencies that sent nothing are not listed; use --agencies)\n"
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        echo(f"wrote {output}", err=True)
    else:
        echo(text, nl=False)
    for bad in result.report.fatal:
        echo(f"wibrs-check: {bad['path']}: {bad['message']}", err=True)
    raise SystemExit(2 if result.report.fatal else 1 if len(frame) else 0)
