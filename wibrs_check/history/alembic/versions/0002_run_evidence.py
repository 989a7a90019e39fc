"""Keep each committed file's per-agency summary and gap evidence (run_agencies.evidence).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_agencies", schema=None) as batch_op:
        batch_op.drop_column("evidence")
