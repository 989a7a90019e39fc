"""Opening a history store and reading it: the :class:`History` object.

``open_store(url)`` accepts ``sqlite:///path``, a plain file path (SQLite), ``default`` (a
file in the user's data directory) or ``postgresql://user:pass@host/db``; it brings the
schema up to date (Alembic, to head) before returning. The returned :class:`History` is
what the engine gets as ``Context.history``: each look-up takes the keys of one whole
submission and answers with one DataFrame (the keys travel in chunks of a few thousand per
query, never one query per record). :func:`~.commit.commit_result` (in :mod:`.commit`, which
builds on this module) records a checked file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, event, func, select, text, tuple_
from sqlalchemy.engine import Connection, Engine, make_url

from . import models as m

KEY_CHUNK = 2000  # keys per look-up query (SQLite allows 32766 parameters)
ALEMBIC_DIR = Path(__file__).with_name("alembic")
DEFAULT_NAME = "history.sqlite3"


class HistoryError(Exception):
    """The history store cannot be opened or used (bad URL, unreachable server, not a store)."""


def describe_error(exc: BaseException) -> str:
    """A database error in words a user can read: the driver's first line, never the SQL
    statement or its parameters (which may hold file names, records or passwords)."""
    from sqlalchemy.exc import StatementError

    inner = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    first = lines[0] if lines else type(inner).__name__
    if first.startswith("(") and ")" in first:  # "(psycopg.errors.X) message": keep the message
        first = first.split(")", 1)[1].strip() or first
    return f"{type(inner).__name__}: {first[:300]}"


def default_path() -> Path:
    """Where the store lives when none is named: the user's data directory
    (``platformdirs``: ``~/.local/share/wibrs-check`` on Linux, ``%LOCALAPPDATA%\\wibrs-check``
    on Windows, ``~/Library/Application Support/wibrs-check`` on macOS)."""
    try:
        from platformdirs import user_data_path

        return user_data_path("wibrs-check", appauthor=False) / DEFAULT_NAME
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / "wibrs-check" / DEFAULT_NAME


def resolve_url(value: str | os.PathLike | None) -> str:
    """The SQLAlchemy URL for ``--history VALUE``.

    ``None``/``""``/``default`` → the default SQLite file; a value with ``://`` is a database
    URL (``postgresql://`` and ``postgres://`` use the psycopg 3 driver); anything else is
    the path of a SQLite file.
    """
    text_value = "" if value is None else str(value)
    if text_value in ("", "default"):
        return f"sqlite:///{default_path()}"
    if "://" in text_value:
        for prefix in ("postgresql://", "postgres://"):
            if text_value.startswith(prefix):
                return "postgresql+psycopg://" + text_value[len(prefix):]
        return text_value
    return f"sqlite:///{Path(text_value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin() below emit BEGIN itself (pysqlite would delay it), so a
        # writing transaction takes the write lock first and concurrent writers wait their turn.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("write") else "BEGIN")

    return engine


def _make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


def open_store(value: str | os.PathLike | None = None, *, create: bool = True) -> "History":
    """Open (and upgrade to the newest schema) the history store named by ``value``.

    ``create=False`` refuses to make a new SQLite file: a mistyped path should not silently
    give an empty history in which every incident looks new.
    """
    url = resolve_url(value)
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        raise HistoryError(f"no history store at {path} (run once with --commit to create it)")
    try:
        engine = _make_engine(url)
    except Exception as exc:  # unknown driver, malformed URL
        raise HistoryError(f"cannot use history store {display_url(url)}: {describe_error(exc)}") from exc
    try:
        upgrade(engine)
    except Exception as exc:
        engine.dispose()
        raise HistoryError(f"cannot open history store {display_url(url)}: {describe_error(exc)}") from exc
    return History(engine, url)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema to ``revision`` with the package's Alembic migrations.

    On PostgreSQL an advisory lock makes concurrent first opens take turns; DDL is
    transactional there, so the second one finds the schema in place.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect().execution_options(write=True) as connection:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(7710281)"))
            current = MigrationContext.configure(connection).get_current_revision()
            if revision == "head" and current == head:
                return
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def _chunks(frame: pd.DataFrame, size: int = KEY_CHUNK) -> Iterable[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start:start + size]


def _as_dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


class History:
    """Read access to a history store: the engine's look-ups and the read API for reports.

    Look-ups take the keys of a whole submission and return DataFrames; they never change
    the store. See :mod:`wibrs_check.history.commit` for recording a checked file.
    """

    def __init__(self, engine: Engine, url: str):
        self._engine = engine
        self._pid = os.getpid()
        self.url = url

    @property
    def engine(self) -> Engine:
        """The engine of this process: a worker process (fork) makes its own connections
        instead of sharing the parent's, and a pickled History (spawn) reconnects."""
        if self._engine is None or self._pid != os.getpid():
            if self._engine is not None:
                self._engine.dispose(close=False)
            self._engine = _make_engine(self.url)
            self._pid = os.getpid()
        return self._engine

    def __getstate__(self) -> dict:
        return {"url": self.url}

    def __setstate__(self, state: dict) -> None:
        self.url = state["url"]
        self._engine = None
        self._pid = os.getpid()

    def __repr__(self) -> str:
        return f"History({display_url(self.url)!r})"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def location(self) -> str:
        path = sqlite_path(self.url)
        return str(path) if path is not None else display_url(self.url)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- look-ups used by the history rules -----------------------------------------------

    def _by_keys(self, table, key_columns: tuple[str, ...], keys: pd.DataFrame, columns: tuple[str, ...],
                 connection: Connection | None = None) -> pd.DataFrame:
        """Rows of ``table`` whose ``key_columns`` match a row of ``keys`` (same column names)."""
        if connection is not None:
            return rows_by_keys(connection, table, key_columns, keys, columns)
        with self.engine.connect() as conn:
            return rows_by_keys(conn, table, key_columns, keys, columns)

    def incidents_on_file(self, keys: pd.DataFrame, connection: Connection | None = None) -> pd.DataFrame:
        """Incidents on file for the given (ori, incident) keys (see :func:`incidents_on_file`)."""
        if connection is not None:
            return incidents_on_file(connection, keys)
        with self.engine.connect() as conn:
            return incidents_on_file(conn, keys)

    def arrests_on_file(self, keys: pd.DataFrame, connection: Connection | None = None) -> pd.DataFrame:
        """Group B arrests on file for the given (ori, atn) keys (see :func:`arrests_on_file`)."""
        if connection is not None:
            return arrests_on_file(connection, keys)
        with self.engine.connect() as conn:
            return arrests_on_file(conn, keys)

    def incidents_of(self, oris: Iterable[str]) -> pd.DataFrame:
        """Every incident on file for these ORIs: ori, incident, incident_date, sub_month,
        activity_months (space-separated YYYY-MM of incident, recovery and arrest dates)."""
        keys = pd.DataFrame({"ori": sorted({o for o in oris if o})})
        out = self._by_keys(m.Incident.__table__, ("ori",), keys,
                            ("ori", "incident", "incident_date", "sub_month", "activity_months"))
        out["incident_date"] = _as_dates(out["incident_date"])
        return out

    def arrests_of(self, oris: Iterable[str]) -> pd.DataFrame:
        """Every Group B arrest on file for these ORIs: ori, atn, seq, arrest_date, sub_month."""
        keys = pd.DataFrame({"ori": sorted({o for o in oris if o})})
        out = self._by_keys(m.GroupBArrest.__table__, ("ori",), keys, ("ori", "atn", "seq", "arrest_date", "sub_month"))
        out["arrest_date"] = _as_dates(out["arrest_date"])
        return out

    def layouts(self, oris: Iterable[str] | None = None) -> pd.DataFrame:
        """Per ORI and level: the 2019 segment length it has sent and the first month of
        submission it did (``first_month`` YYYY-MM)."""
        table = m.AgencyLayout.__table__
        columns = ("ori", "level", "length", "first_month", "first_run")
        if oris is None:
            with self.engine.connect() as conn:
                rows = conn.execute(select(*[table.c[c] for c in columns])).all()
            out = pd.DataFrame(rows, columns=list(columns))
        else:
            out = self._by_keys(table, ("ori",), pd.DataFrame({"ori": sorted(set(oris))}), columns)
        return out.astype({"level": "int64", "length": "int64"}) if len(out) else out

    # -- read API for reports (gap report, per-agency summary) ---------------------------

    def months(self, ori: str | Iterable[str] | None = None) -> pd.DataFrame:
        """One row per agency and month: what is on file and how the committed runs fared.

        Columns (``MONTH_COLUMNS``): ``ori``, ``month`` (YYYY-MM: month of submission for
        incidents, arrests and run counts; the zero report's own month for zero reports),
        ``incidents`` / ``incidents_64`` (Group A incidents on file, and those with offense
        64A or 64B), ``group_b`` (arrests on file), ``zero_report`` (bool), ``received``,
        ``accepted``, ``rejected``, ``rejected_64`` (units in committed runs: the latest
        commit of each file counts once), ``errors``, ``warnings``, ``flags``, ``layout``
        (2019.1 layout variants the month's files used: "extended", "short" or
        "extended/short"; months committed before issue 16 say "2019"/"legacy"), ``files`` (how many files were committed for the month).
        """
        oris = None if ori is None else ([ori] if isinstance(ori, str) else sorted(set(ori)))
        with self.engine.connect() as conn:
            frames = {
                "incidents": _read(conn, m.Incident.__table__, ("ori", "sub_month", "offense_codes"), oris),
                "group_b": _read(conn, m.GroupBArrest.__table__, ("ori", "sub_month"), oris),
                "zero": _read(conn, m.ZeroReport.__table__, ("ori", "year", "month"), oris),
                "runs": _read(conn, m.RunAgency.__table__, (
                    "id", "ori", "month", "file", "units", "accepted", "rejected", "rejected_64", "errors", "warnings",
                    "flags", "layout"), oris),
            }
        inc = frames["incidents"].rename(columns={"sub_month": "month"})
        inc["is_64"] = inc["offense_codes"].astype(str).str.contains(r"\b64[AB]\b", regex=True)
        per = [inc.groupby(["ori", "month"]).agg(incidents=("ori", "size"), incidents_64=("is_64", "sum"))]
        gb = frames["group_b"].rename(columns={"sub_month": "month"})
        per.append(gb.groupby(["ori", "month"]).size().rename("group_b"))
        zero = frames["zero"]
        if len(zero):
            zero["month"] = zero["year"].astype(str) + "-" + zero["month"].astype(int).map("{:02d}".format)
        per.append(zero.assign(zero_report=1).groupby(["ori", "month"])["zero_report"].max())
        runs = frames["runs"].sort_values("id").drop_duplicates(["ori", "month", "file"], keep="last")
        counted = runs.groupby(["ori", "month"]).agg(
            received=("units", "sum"), accepted=("accepted", "sum"), rejected=("rejected", "sum"),
            rejected_64=("rejected_64", "sum"), errors=("errors", "sum"), warnings=("warnings", "sum"),
            flags=("flags", "sum"), files=("file", "nunique"))
        layout = runs.assign(layout=runs["layout"].astype(str).str.split("/")).explode("layout")
        layout = layout[layout["layout"].fillna("") != ""]
        counted["layout"] = layout.groupby(["ori", "month"])["layout"].agg(lambda g: "/".join(sorted(set(g))))
        per.append(counted)
        out = pd.concat([p for p in per], axis=1)
        # What is on file decides accepted / rejected (a file committed twice has its second
        # copy rejected as duplicates, yet its incidents are on file).
        figures = self.file_figures(oris)
        if len(figures):
            on_file = figures.groupby(["ori", "month"])[["accepted", "rejected", "units"]].sum()
            on_file = on_file.rename(columns={"units": "received"})
            out.index.names = ["ori", "month"]
            for column in on_file.columns:
                out.loc[on_file.index, column] = on_file[column]
        out.index.names = ["ori", "month"]
        out = out.reset_index()
        for column in MONTH_COLUMNS:
            if column not in out.columns:
                out[column] = 0
        numeric = [c for c in MONTH_COLUMNS if c not in ("ori", "month", "layout", "zero_report")]
        out[numeric] = out[numeric].fillna(0).astype(np.int64)
        out["zero_report"] = out["zero_report"].fillna(0).astype(bool)
        out["layout"] = out["layout"].where(out["layout"].notna() & (out["layout"] != 0), "").astype(str)
        return out[list(MONTH_COLUMNS)].sort_values(["ori", "month"]).reset_index(drop=True)

    def file_figures(self, oris: list[str] | None = None, months: list[str] | None = None) -> pd.DataFrame:
        """Per committed file, agency and month of submission, from what is on file now:
        ``accepted`` (its reports that are on file), ``rejected`` (reports it sent that are not
        on file: rejected and never accepted from another file), ``units`` (their sum).

        Only files committed since revision 0003 (they left their reports in
        ``received_units``); older commits keep the counts recorded at commit time.
        """
        columns = ["file", "ori", "month", "accepted", "rejected", "units"]
        ledger = m.ReceivedUnit.__table__
        query = select(ledger.c.file, ledger.c.ori, ledger.c.kind, ledger.c.key, ledger.c.unit_date,
                       ledger.c.sub_month, ledger.c.accepted, ledger.c.removed_at)
        if oris is not None:
            query = query.where(ledger.c.ori.in_(oris))
        if months is not None:
            query = query.where(ledger.c.sub_month.in_(sorted(set(months))))
        with self.engine.connect() as conn:
            received = pd.DataFrame(conn.execute(query).all(), columns=[
                "file", "ori", "kind", "key", "unit_date", "month", "accepted", "removed_at"])
            if not len(received):
                return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
            agencies = sorted(set(received["ori"]))
            incidents = _read(conn, m.Incident.__table__, ("ori", "incident", "sub_month", "file"), agencies)
            arrests = _read(conn, m.GroupBArrest.__table__, ("ori", "atn", "seq", "sub_month", "file"), agencies)
            zeros = _read(conn, m.ZeroReport.__table__, ("ori", "year", "month", "sub_month", "file"), agencies)
        from ..rules.history_facts import arrest_key

        zero_keys = (zeros["year"].astype(str) + "-" + zeros["month"].astype(int).map("{:02d}".format)) if len(zeros) \
            else pd.Series([], dtype=object)
        returns = received[(received["kind"] == "S") & received["accepted"].astype(bool) & received["removed_at"].isna()]
        on_file = pd.concat([
            pd.DataFrame({"kind": "A", "ori": incidents["ori"], "key": incidents["incident"],
                          "month": incidents["sub_month"], "file": incidents["file"]}),
            pd.DataFrame({"kind": "B", "ori": arrests["ori"], "key": arrest_key(arrests["atn"], arrests["seq"]),
                          "month": arrests["sub_month"], "file": arrests["file"]}),
            pd.DataFrame({"kind": "Z", "ori": zeros["ori"], "key": zero_keys, "month": zeros["sub_month"],
                          "file": zeros["file"]}),
            returns[["kind", "ori", "key", "month", "file"]],
        ], ignore_index=True).drop_duplicates(["kind", "ori", "key", "file"])
        files = received[["file", "ori", "month"]].drop_duplicates()
        if months is not None:
            on_file = on_file[on_file["month"].isin(months)]
        accepted = on_file.merge(files, on=["file", "ori", "month"]).groupby(["file", "ori", "month"]).size()
        sent = received.drop_duplicates(["file", "ori", "month", "kind", "key"])
        known = sent.merge(on_file[["kind", "ori", "key"]].drop_duplicates(), on=["kind", "ori", "key"], how="left",
                           indicator=True)
        rejected = known[known["_merge"] == "left_only"].groupby(["file", "ori", "month"]).size()
        out = files.set_index(["file", "ori", "month"])
        out["accepted"] = accepted.reindex(out.index, fill_value=0).astype(np.int64)
        out["rejected"] = rejected.reindex(out.index, fill_value=0).astype(np.int64)
        out["units"] = out["accepted"] + out["rejected"]
        return out.reset_index()[columns]

    def runs(self) -> pd.DataFrame:
        """Every committed run, newest first."""
        table = m.Run.__table__
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(table.c.started_at.desc())).mappings().all()
        return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in table.columns])

    def counts(self) -> dict[str, int]:
        """How many rows each kept table holds (for ``wibrs-check history info``)."""
        out = {}
        with self.engine.connect() as conn:
            for model in (m.Incident, m.GroupBArrest, m.ZeroReport, m.AppliedDelete, m.Agency, m.Run):
                table = model.__table__
                out[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        return out


MONTH_COLUMNS = (
    "ori", "month", "incidents", "incidents_64", "group_b", "zero_report", "received", "accepted", "rejected",
    "rejected_64", "errors", "warnings", "flags", "layout", "files",
)


def rows_by_keys(conn: Connection, table, key_columns: tuple[str, ...], keys: pd.DataFrame,
                 columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows of ``table`` whose ``key_columns`` match a row of ``keys`` (same column names), read
    on ``conn`` (a commit's own transaction sees its own changes)."""
    out_columns = list(columns)
    keys = keys[list(key_columns)].drop_duplicates()
    keys = keys[(keys != "").all(axis=1)] if len(keys) else keys
    if not len(keys):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in out_columns})
    selected = [table.c[c] for c in out_columns]
    pieces = []
    for chunk in _chunks(keys):
        tuples = list(chunk.itertuples(index=False, name=None))
        if len(key_columns) == 1:
            where = table.c[key_columns[0]].in_([t[0] for t in tuples])
        else:
            where = tuple_(*[table.c[c] for c in key_columns]).in_(tuples)
        rows = conn.execute(select(*selected).where(where)).all()
        if rows:
            pieces.append(pd.DataFrame(rows, columns=out_columns))
    if not pieces:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in out_columns})
    return pd.concat(pieces, ignore_index=True)


def incidents_on_file(conn: Connection, keys: pd.DataFrame) -> pd.DataFrame:
    """Incidents on file for the given (ori, incident) keys: ori, incident, incident_date
    (datetime64), sub_month, offense_codes, arrestees, file, id."""
    out = rows_by_keys(conn, m.Incident.__table__, ("ori", "incident"), keys,
                       ("id", "ori", "incident", "incident_date", "sub_month", "offense_codes", "arrestees", "file"))
    out["incident_date"] = _as_dates(out["incident_date"])
    return out


def arrests_on_file(conn: Connection, keys: pd.DataFrame) -> pd.DataFrame:
    """Group B arrests on file for the given (ori, atn) keys: ori, atn, seq, arrest_date,
    sub_month, file, id."""
    out = rows_by_keys(conn, m.GroupBArrest.__table__, ("ori", "atn"), keys,
                       ("id", "ori", "atn", "seq", "arrest_date", "sub_month", "file"))
    out["arrest_date"] = _as_dates(out["arrest_date"])
    return out


def _read(conn: Connection, table, columns: tuple[str, ...], oris: list[str] | None) -> pd.DataFrame:
    query = select(*[table.c[c] for c in columns])
    if oris is not None:
        query = query.where(table.c.ori.in_(oris))
    return pd.DataFrame(conn.execute(query).all(), columns=list(columns))
