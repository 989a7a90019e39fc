"""``--scheduler``, ``--upload`` and ``--commit`` for ``batch`` and ``gaps`` (docs/cluster.md).

Wiring only: the options keep their values in the click context (as ``--history`` does), so
the commands' signatures stay as they are; :func:`open_for_run` turns them into a
:class:`wibrs_check.executors.Cluster` or None (the local process pool).
"""

from __future__ import annotations

import click

META_KEY = "wibrs_check.cluster"


def _remember(name: str):
    def callback(ctx, _param, value):
        ctx.meta.setdefault(META_KEY, {})[name] = value
        return value

    return callback


def cluster_options(func):
    """``--scheduler`` and ``--upload`` (batch and gaps)."""
    options = [
        click.option("--scheduler", metavar="ADDRESS", expose_value=False, callback=_remember("scheduler"),
                     envvar="WIBRS_CHECK_SCHEDULER",
                     help="Check the files on a Dask cluster: the scheduler's address (tcp://host:8786), or 'local' "
                          "for a cluster of --jobs worker processes on this machine. Needs "
                          "pip install 'wibrs-check[dask]' (docs/cluster.md)."),
        click.option("--upload", is_flag=True, expose_value=False, callback=_remember("upload"),
                     help="With --scheduler: send each file's bytes with its task, for workers that do not share "
                          "the client's paths."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def commit_option(func):
    """``--commit`` (batch): the workers record what they checked in the history store."""
    return click.option(
        "--commit", is_flag=True, expose_value=False, callback=_remember("commit"),
        help="With --scheduler and --history postgresql://...: each worker records the accepted reports of its "
             "files in the history store, one transaction per file (docs/cluster.md).")(func)


def open_for_run(jobs: int, history):
    """The Cluster the options ask for, or None for the local process pool; a usage error
    when it cannot be had."""
    from ..executors import ClusterError, open_cluster

    current = click.get_current_context(silent=True)
    values = current.meta.get(META_KEY, {}) if current is not None else {}
    scheduler, upload, commit = values.get("scheduler"), values.get("upload"), values.get("commit")
    if not scheduler:
        if upload:
            raise click.UsageError("--upload sends files to cluster workers: give --scheduler too")
        if commit:
            raise click.UsageError("batch --commit records from cluster workers: give --scheduler (for example "
                                   "--scheduler local), or record file by file with 'wibrs-check check --commit'")
        return None
    try:
        return open_cluster(scheduler, jobs, upload=bool(upload), commit=bool(commit), history=history)
    except ClusterError as exc:
        raise click.UsageError(str(exc)) from None
