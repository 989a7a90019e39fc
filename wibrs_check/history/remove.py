"""Taking back a mistaken ``--commit``: ``wibrs-check history remove FILE`` (or ``--ori ORI
--month YYYY-MM``).

Everything the file (or the agency's month) put on file goes, in one transaction: its
incidents, Group B arrests and zero reports, the reports it sent (``received_units``), its
per-agency and per-code counts, its file row and any run left without files. The agency's
segment-length generation is worked out again from what stays on file. Deletes the file
applied are not undone: the store does not keep what a delete removed, so those incidents
have to be sent again. :class:`Removal` says what was removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import and_, bindparam, delete, func, select, tuple_
from sqlalchemy.engine import Connection

from ..rules import history_facts as facts
from . import models as m
from .store import HistoryError

TABLES_OF_DATA = {"incidents": m.Incident, "group_b_arrests": m.GroupBArrest, "zero_reports": m.ZeroReport,
                  "received_units": m.ReceivedUnit}


@dataclass
class Removal:
    what: str  # the file, or "ORI YYYY-MM"
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows removed
    deletes_not_undone: int = 0
    runs_removed: int = 0
    dry_run: bool = False

    def describe(self) -> str:
        c = self.counts
        verb = "would remove" if self.dry_run else "removed"
        text = (f"{verb} {self.what}: {c.get('incidents', 0)} incidents, {c.get('group_b_arrests', 0)} Group B "
                f"arrests, {c.get('zero_reports', 0)} zero reports, {c.get('received_units', 0)} received reports, "
                f"{c.get('run_agencies', 0)} agency counts, {c.get('run_files', 0)} committed file rows")
        if self.runs_removed:
            text += f", {self.runs_removed} run(s) left without files"
        if self.deletes_not_undone:
            text += (f"; {self.deletes_not_undone} delete(s) it applied are not undone (the store does not keep "
                     "what a delete removed: send those reports again)")
        return text


def committed_files(history) -> list[str]:
    table = m.RunFile.__table__
    with history.engine.connect() as conn:
        return sorted(conn.execute(select(table.c.file).distinct()).scalars())


def match_file(history, given: str) -> str:
    """The committed file ``given`` names: the same text, the same absolute path, or (given
    without a folder) the one committed file of that name."""
    files = committed_files(history)
    if given in files:
        return given
    resolved = str(Path(given).expanduser().resolve())
    same = [f for f in files if str(Path(f).expanduser().resolve()) == resolved]
    if len(same) == 1:
        return same[0]
    if Path(given).name == given:
        same = [f for f in files if Path(f).name == given]
    if len(same) == 1:
        return same[0]
    if same:
        raise HistoryError(f"{given} names {len(same)} committed files; give one of them: " + ", ".join(same[:10]))
    raise HistoryError(f"no committed file {given} in the store ('wibrs-check history months' lists what is on file)")


def remove(history, *, file: str | None = None, ori: str | None = None, month: str | None = None,
           dry_run: bool = False) -> Removal:
    """Remove one committed file, or one agency's month of submission, in one transaction."""
    if (file is None) == (ori is None):
        raise HistoryError("name a committed FILE, or --ori ORI with --month YYYY-MM")
    if ori is not None and not month:
        raise HistoryError("--ori needs --month YYYY-MM")
    if file is not None:
        file = match_file(history, file)
    removal = Removal(file if file is not None else f"{ori} {month}", dry_run=dry_run)
    with history.engine.connect().execution_options(write=True) as conn:
        transaction = conn.begin()
        try:
            _remove(conn, removal, file, ori, month)
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    if not dry_run and not any(removal.counts.values()):
        raise HistoryError(f"nothing on file for {removal.what}")
    return removal


def _where(table, file, ori, month, month_column: str = "sub_month"):
    if file is not None:
        return table.c.file == file
    return and_(table.c.ori == ori, table.c[month_column] == month)


def _remove(conn: Connection, removal: Removal, file, ori, month) -> None:
    # Lock the agencies touched, as a commit does, so a concurrent commit waits.
    oris = {ori} if ori else set()
    for model in (*TABLES_OF_DATA.values(), m.RunAgency):
        table = model.__table__
        column = "month" if model is m.RunAgency else "sub_month"
        oris |= set(conn.execute(select(table.c.ori).where(_where(table, file, ori, month, column)).distinct()).scalars())
    agencies = m.Agency.__table__
    if oris:
        conn.execute(select(agencies.c.ori).where(agencies.c.ori.in_(sorted(oris))).order_by(agencies.c.ori)
                     .with_for_update()).all()
    deletes = m.AppliedDelete.__table__
    if file is not None:
        applied = deletes.c.file == file
    else:  # the deletes of this agency in the files that sent its month
        run_agencies = m.RunAgency.__table__
        month_files = select(run_agencies.c.file).where(and_(run_agencies.c.ori == ori, run_agencies.c.month == month))
        applied = and_(deletes.c.ori == ori, deletes.c.file.in_(month_files))
    removal.deletes_not_undone = int(conn.execute(select(func.count()).select_from(deletes).where(
        and_(applied, deletes.c.removed > 0))).scalar_one())
    for name, model in TABLES_OF_DATA.items():
        table = model.__table__
        removal.counts[name] = conn.execute(delete(table).where(_where(table, file, ori, month))).rowcount
    for model in (m.RunAgency, m.RunFinding):
        table = model.__table__
        removal.counts[table.name] = conn.execute(delete(table).where(_where(table, file, ori, month, "month"))).rowcount
    if file is not None:
        files = m.RunFile.__table__
        runs = set(conn.execute(select(files.c.run_id).where(files.c.file == file)).scalars())
        removal.counts["run_files"] = conn.execute(delete(files).where(files.c.file == file)).rowcount
        left = set(conn.execute(select(files.c.run_id).where(files.c.run_id.in_(sorted(runs)))).scalars())
        gone = sorted(runs - left)
        if gone:
            for model in (m.RunAgency, m.RunFinding):
                conn.execute(delete(model.__table__).where(model.__table__.c.run_id.in_(gone)))
            removal.runs_removed = conn.execute(delete(m.Run.__table__).where(m.Run.__table__.c.id.in_(gone))).rowcount
    _redo_layouts(conn, sorted(oris))


def _redo_layouts(conn: Connection, oris: list[str]) -> None:
    """The first month each agency sent each level's 2019 length, from what stays on file:
    a row whose incidents are all gone is removed, one whose first month went is moved."""
    if not oris:
        return
    layouts = m.AgencyLayout.__table__
    before = pd.DataFrame(conn.execute(select(layouts.c.ori, layouts.c.level, layouts.c.first_month).where(
        layouts.c.ori.in_(oris))).all(), columns=["ori", "level", "first_month"])
    if not len(before):
        return
    incidents = m.Incident.__table__
    length_columns = list(facts.LENGTH_LEVELS.values())
    on_file = pd.DataFrame(conn.execute(select(incidents.c.ori, incidents.c.sub_month,
                                               *[incidents.c[c] for c in length_columns]).where(
        incidents.c.ori.in_(oris))).all(), columns=["ori", "sub_month", *length_columns])
    long = on_file.melt(id_vars=["ori", "sub_month"], value_vars=length_columns, var_name="column", value_name="length")
    long["level"] = long["column"].map({column: level for level, column in facts.LENGTH_LEVELS.items()})
    long = long[long["length"] == long["level"].map(facts.generation_2019_lengths())]
    firsts = long.groupby(["ori", "level"])["sub_month"].min().rename("now").reset_index()
    merged = before.astype({"level": "int64"}).merge(firsts.astype({"level": "int64"}), on=["ori", "level"], how="left")
    gone = merged[merged["now"].isna()]
    if len(gone):
        keys = list(zip(gone["ori"], gone["level"].astype(int).tolist()))
        conn.execute(delete(layouts).where(tuple_(layouts.c.ori, layouts.c.level).in_(keys)))
    moved = merged[merged["now"].notna() & (merged["now"] != merged["first_month"])]
    if len(moved):
        stmt = layouts.update().where(and_(layouts.c.ori == bindparam("b_ori"), layouts.c.level == bindparam("b_level")))
        conn.execute(stmt.values(first_month=bindparam("b_month")), [
            {"b_ori": o, "b_level": int(level), "b_month": month}
            for o, level, month in zip(moved["ori"], moved["level"], moved["now"])])
