"""Using the history store from a command: which store, and committing file by file.

Which store ``check`` uses, first that applies:

1. ``--history PATH|URL`` on the command line (``default`` = the file in the user's data
   directory, see :func:`wibrs_check.history.store.default_path`);
2. the ``WIBRS_CHECK_HISTORY`` environment variable (click reads it for ``--history``);
3. ``history = "..."`` in the settings file (``wibrs-check.toml`` or ``[tool.wibrs-check]``
   in ``pyproject.toml``; a relative path is taken from the settings file's folder,
   ``history = true`` means ``default``).

With none of them, no history is used and the history edits are reported as not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .commit import CommitSummary, RunInfo, commit_result
from .store import History, HistoryError, describe_error, open_store

ENV = "WIBRS_CHECK_HISTORY"


def configured() -> str | None:
    """The ``history`` setting of the settings file that applies here, or None."""
    try:
        from ..config import find
    except ImportError:  # pragma: no cover - config ships with the package
        return None
    found = find()
    if found is None:
        return None
    path, table = found
    value = table.get("history")
    if value is None or value is False:
        return None
    if value is True:
        return "default"
    if not isinstance(value, str) or not value.strip():
        raise HistoryError(f"{path}: 'history' must be a path, a database URL, 'default' or true, not {value!r}")
    value = value.strip()
    if value == "default" or "://" in value:
        return value
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else path.parent / p)


def error_codes_left_out(select: tuple[str, ...], ignore: tuple[str, ...]) -> list[str]:
    """Error codes that --select/--ignore keep from running: a commit would then record
    incidents the FBI refuses."""
    if not select and not ignore:
        return []
    from ..engine import selected_rules
    from ..rules.registry import all_rules

    running = {r.code for r in selected_rules(select, ignore)}
    return sorted(c for c, r in all_rules().items() if c not in running and r.severity == "error")


@dataclass
class Committer:
    """The runner's per-file hook for ``--commit``: records each checked file right after its
    check, so a later file of the same run is compared with the earlier ones."""

    history: History
    run: RunInfo = field(default_factory=RunInfo)
    summaries: list[CommitSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __call__(self, result) -> None:
        source = str(result.submission.source)
        if result.rule_failures:
            self.problems.append(f"{source}: not recorded, because a rule failed on it and what the FBI would "
                                 "accept is not known")
            return None
        try:
            self.summaries.append(commit_result(self.history, result, self.run))
        except Exception as exc:  # the file's transaction was rolled back
            self.problems.append(f"{source}: not recorded, the history store is unchanged for this file "
                                 f"({describe_error(exc)})")
        return None

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def messages(self) -> list[str]:
        lines = [f"history: {s.file}: {s.describe()}" for s in self.summaries]
        lines += [f"history: {p}" for p in self.problems]
        if self.summaries:
            lines.append(f"history: run {self.run.id} recorded in {self.history.location}")
        return lines


def open_for_check(value: str | None, commit: bool, select=(), ignore=()) -> tuple[History | None, Committer | None]:
    """The History and, with ``commit``, the Committer for one ``check`` invocation.

    Raises :class:`HistoryError` with a message for the user.
    """
    if not value:
        value = configured()
    if not value:
        if commit:
            raise HistoryError("--commit needs a history store: give --history PATH|URL (or --history default)")
        return None, None
    if commit:
        left_out = error_codes_left_out(tuple(select), tuple(ignore))
        if left_out:
            shown = " ".join(left_out[:8]) + (" ..." if len(left_out) > 8 else "")
            raise HistoryError(f"--commit records what would be accepted, so every error edit must run; "
                               f"--select/--ignore leave out {shown}")
    history = open_store(value, create=commit)
    return history, (Committer(history) if commit else None)


# -- batch and gaps: reading months from the store -----------------------------------------

META_KEY = "wibrs_check.history"


def _remember(ctx, _param, value):
    ctx.meta[META_KEY] = value
    return value


def batch_option(func):
    """``--history PATH|URL`` for ``batch`` and ``gaps``: the value is kept in the click
    context (read by :func:`for_batch`), so the commands' signatures stay as they are."""
    import click

    return click.option(
        "--history", envvar=ENV, metavar="PATH|URL", expose_value=False, callback=_remember,
        help="History store: add the months committed earlier (a year up to the latest month, or --month) "
             "to the per-agency summary and the gap report, and apply the history edits (docs/history.md).")(func)


def for_batch() -> History | None:
    """The store named by ``--history`` (or the settings file) for the running batch/gaps
    command, or None. A usage error when it cannot be opened."""
    import click

    current = click.get_current_context(silent=True)
    value = current.meta.get(META_KEY) if current is not None else None
    value = value or configured()
    if not value:
        return None
    try:
        return open_store(value, create=False)
    except HistoryError as exc:
        raise click.UsageError(str(exc)) from None
