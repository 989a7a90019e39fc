"""The history store's tables: one schema for SQLite and PostgreSQL.

What is kept is what the FBI (or the state program) would hold after accepting a file: the
accepted Group A incidents, Group B arrests and zero reports of every agency, the deletes
that were applied, which segment-length generation each agency has moved to, and for every
committed run the per-agency counts and per-code finding counts. Rejected units are never
recorded (the FBI refuses them whole), only counted in ``run_agencies`` / ``run_findings``.

Months are text ``YYYY-MM`` (sortable and the same in both databases). Changes to these
tables go through an Alembic revision in ``alembic/versions`` (see docs/history.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, MetaData, SmallInteger, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    """One row per ORI that ever had data committed; its row is locked while a file of the
    agency is committed, so concurrent runs for one agency take turns."""

    __tablename__ = "agencies"
    ori: Mapped[str] = mapped_column(String(9), primary_key=True)
    first_month: Mapped[str] = mapped_column(String(7))
    last_month: Mapped[str] = mapped_column(String(7))


class Incident(Base):
    """An accepted Group A incident report (action I, or R in XML)."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ori: Mapped[str] = mapped_column(String(9))
    incident: Mapped[str] = mapped_column(String(12))
    incident_date: Mapped[dt.date] = mapped_column(Date)
    sub_month: Mapped[str] = mapped_column(String(7))  # month of submission, YYYY-MM
    offense_codes: Mapped[str] = mapped_column(Text, default="")  # space-separated, sorted
    activity_months: Mapped[str] = mapped_column(Text, default="")  # YYYY-MM of incident, recovery, arrest dates
    arrestees: Mapped[int] = mapped_column(SmallInteger, default=0)
    len_admin: Mapped[int | None] = mapped_column(SmallInteger)  # declared segment length per level
    len_offense: Mapped[int | None] = mapped_column(SmallInteger)
    len_victim: Mapped[int | None] = mapped_column(SmallInteger)
    len_offender: Mapped[int | None] = mapped_column(SmallInteger)
    file: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("ori", "incident", "incident_date"),
        Index(None, "ori", "sub_month"),
    )


class GroupBArrest(Base):
    """An accepted Group B arrest report (action A): one arrestee of one arrest transaction."""

    __tablename__ = "group_b_arrests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ori: Mapped[str] = mapped_column(String(9))
    atn: Mapped[str] = mapped_column(String(12))  # arrest transaction number, DE 41
    seq: Mapped[str] = mapped_column(String(2))  # arrestee sequence number, DE 40
    arrest_date: Mapped[dt.date] = mapped_column(Date)
    sub_month: Mapped[str] = mapped_column(String(7))
    offense: Mapped[str] = mapped_column(String(3), default="")
    file: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("ori", "atn", "seq"),
        Index(None, "ori", "sub_month"),
    )


class ZeroReport(Base):
    """An accepted zero report (action A): the agency had nothing to report for the month."""

    __tablename__ = "zero_reports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ori: Mapped[str] = mapped_column(String(9))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    sub_month: Mapped[str] = mapped_column(String(7))
    file: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("ori", "year", "month"),)


class AppliedDelete(Base):
    """A delete that was committed: what it named and how many rows it removed."""

    __tablename__ = "deletes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36))
    file: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(1))  # A incident, B arrest, Z zero report, R XML replace
    ori: Mapped[str] = mapped_column(String(9))
    key: Mapped[str] = mapped_column(String(12))  # incident number, arrest transaction number or YYYY-MM
    key_date: Mapped[dt.date | None] = mapped_column(Date)
    removed: Mapped[int] = mapped_column(Integer)
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index(None, "ori", "key"),)


class AgencyLayout(Base):
    """The first month an agency sent the longer 2019 segment of a level (edits 178/284/484/584)."""

    __tablename__ = "agency_layouts"
    ori: Mapped[str] = mapped_column(String(9), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    length: Mapped[int] = mapped_column(SmallInteger)
    first_month: Mapped[str] = mapped_column(String(7))
    first_run: Mapped[str] = mapped_column(String(36))


class Run(Base):
    """One committed ``wibrs-check check --commit``: totals over its files."""

    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID made by the client
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    tool_version: Mapped[str] = mapped_column(String(40), default="")
    files: Mapped[int] = mapped_column(Integer, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    incidents_added: Mapped[int] = mapped_column(Integer, default=0)
    incidents_deleted: Mapped[int] = mapped_column(Integer, default=0)
    arrests_added: Mapped[int] = mapped_column(Integer, default=0)
    arrests_deleted: Mapped[int] = mapped_column(Integer, default=0)
    zero_reports_added: Mapped[int] = mapped_column(Integer, default=0)
    zero_reports_deleted: Mapped[int] = mapped_column(Integer, default=0)
    already_on_file: Mapped[int] = mapped_column(Integer, default=0)  # accepted here, but recorded meanwhile by another run


class RunFile(Base):
    __tablename__ = "run_files"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    file: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8), default="")
    records: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    committed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RunAgency(Base):
    """Per file, agency and month of submission: what the run received and how it fared."""

    __tablename__ = "run_agencies"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    file: Mapped[str] = mapped_column(Text)
    ori: Mapped[str] = mapped_column(String(9))
    month: Mapped[str] = mapped_column(String(7))
    units: Mapped[int] = mapped_column(Integer, default=0)
    incidents: Mapped[int] = mapped_column(Integer, default=0)
    incidents_64: Mapped[int] = mapped_column(Integer, default=0)  # incidents with 64A or 64B
    group_b: Mapped[int] = mapped_column(Integer, default=0)
    zero_reports: Mapped[int] = mapped_column(Integer, default=0)
    deletes: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    rejected_64: Mapped[int] = mapped_column(Integer, default=0)  # rejected incidents with 64A or 64B
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[int] = mapped_column(Integer, default=0)
    layout: Mapped[str] = mapped_column(String(20), default="")  # "extended", "short" or "extended/short" (before issue 16: "2019"/"legacy")
    committed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # JSON: {"summary": the file's per-agency summary row, "gaps": its gap-report evidence row}
    # (revision 0002), so the gap report and per-agency summary can read months from the store.
    evidence: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index(None, "ori", "month"),)


class RunFinding(Base):
    """Per file, agency, month and code: how many findings a committed run produced."""

    __tablename__ = "run_findings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    file: Mapped[str] = mapped_column(Text)
    ori: Mapped[str] = mapped_column(String(9))
    month: Mapped[str] = mapped_column(String(7))
    code: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index(None, "ori", "month"),)


class ReceivedUnit(Base):
    """Every report a committed file sent (revision 0003): one row per Group A incident,
    Group B arrestee, zero report or summary (SBR) return, accepted or rejected, kept for the
    year report (``wibrs-check report``).

    ``month`` is the unit's own month (the incident date's, the arrest date's, the zero
    report's or the return's), so a corrected resubmission counts for the month the
    incident happened in. An accepted row that a later delete (or an XML replace, or
    ``history remove``) takes off file gets ``removed_at``; rows are never rewritten
    otherwise, so what was on file at any past date can be read back (``--as-of``).
    """

    __tablename__ = "received_units"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36))
    file: Mapped[str] = mapped_column(Text, default="")
    ori: Mapped[str] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(1))  # A incident, B Group B arrestee, Z zero report, S SBR return
    key: Mapped[str] = mapped_column(Text)  # incident number; arrest number/sequence; YYYY-MM (Z, S)
    unit_date: Mapped[dt.date | None] = mapped_column(Date)  # incident or arrest date
    month: Mapped[str] = mapped_column(String(7))  # the unit's own month, YYYY-MM
    sub_month: Mapped[str] = mapped_column(String(7))  # month of submission, YYYY-MM
    accepted: Mapped[bool] = mapped_column(Boolean)
    errors: Mapped[str] = mapped_column(Text, default="")  # distinct error codes, space-separated
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[str] = mapped_column(Text, default="")  # distinct flag codes (HT01 ...), space-separated
    offenses: Mapped[str] = mapped_column(Text, default="")  # offense codes (A, B); forms sent (S)
    victims_64a: Mapped[int] = mapped_column(Integer, default=0)  # victims of a 64A offense (S: 64A actual)
    victims_64b: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # when it was committed
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index(None, "ori", "month"),
        Index(None, "ori", "kind", "key"),
    )


TABLES = Base.metadata.tables
