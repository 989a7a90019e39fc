"""Unbounded text for file paths and code lists; every received report kept (received_units).

* A file path longer than 500 characters no longer overflows ``VARCHAR(500)`` on
  PostgreSQL (the file was not recorded); the offense-code and activity-month lists of an
  incident are unbounded too.
* ``received_units``: one row per report of every committed file, accepted or rejected,
  with its own month, error and flag codes, offenses and 64A/64B victim counts, the time it
  was committed and the time it was taken off file: what the year report reads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (table, column, old length): columns that become TEXT.
WIDENED = (
    ("incidents", "file", 500), ("incidents", "offense_codes", 40), ("incidents", "activity_months", 200),
    ("group_b_arrests", "file", 500), ("zero_reports", "file", 500), ("deletes", "file", 500),
    ("run_files", "file", 500), ("run_agencies", "file", 500), ("run_findings", "file", 500),
)


def upgrade() -> None:
    for table, column, length in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length), type_=sa.Text())
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "received_units",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("ori", sa.String(9), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("unit_date", sa.Date(), nullable=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("sub_month", sa.String(7), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("offenses", sa.Text(), nullable=False),
        sa.Column("victims_64a", sa.Integer(), nullable=False),
        sa.Column("victims_64b", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_units")),
    )
    with op.batch_alter_table("received_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_received_units_ori_month"), ["ori", "month"], unique=False)
        batch_op.create_index(batch_op.f("ix_received_units_ori_kind_key"), ["ori", "kind", "key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("received_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_received_units_ori_kind_key"))
        batch_op.drop_index(batch_op.f("ix_received_units_ori_month"))
    op.drop_table("received_units")
    for table, column, length in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length))
