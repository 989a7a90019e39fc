"""The history store: what earlier submissions put on file, for the edits that need it.

SQLite by default (a file), PostgreSQL for a shared state deployment, one schema for both
(``models.py``), migrated with Alembic on open. Public API:

* :func:`open_store` (also ``open``) → :class:`History`: the engine's ``Context.history``;
* :meth:`History.months` and friends: the read API for the gap report and summaries;
* :func:`commit_result` (store, result, :class:`RunInfo`): record one checked file.

See docs/history.md.
"""

from .commit import CommitSummary, RunInfo, commit_result
from .store import MONTH_COLUMNS, History, HistoryError, default_path, open_store, resolve_url

open = open_store  # noqa: A001 - ``history.open(url)`` reads naturally

__all__ = [
    "CommitSummary", "History", "HistoryError", "MONTH_COLUMNS", "RunInfo", "commit_result", "default_path", "open",
    "open_store", "resolve_url",
]
