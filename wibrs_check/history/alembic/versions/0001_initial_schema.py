"""Initial schema: incidents, Group B arrests, zero reports, deletes, layouts, runs.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 14:19:46.999817
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('first_month', sa.String(length=7), nullable=False),
    sa.Column('last_month', sa.String(length=7), nullable=False),
    sa.PrimaryKeyConstraint('ori', name=op.f('pk_agencies'))
    )
    op.create_table('agency_layouts',
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('length', sa.SmallInteger(), nullable=False),
    sa.Column('first_month', sa.String(length=7), nullable=False),
    sa.Column('first_run', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('ori', 'level', name=op.f('pk_agency_layouts'))
    )
    op.create_table('deletes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('key', sa.String(length=12), nullable=False),
    sa.Column('key_date', sa.Date(), nullable=True),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletes'))
    )
    with op.batch_alter_table('deletes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deletes_ori_key'), ['ori', 'key'], unique=False)

    op.create_table('group_b_arrests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('atn', sa.String(length=12), nullable=False),
    sa.Column('seq', sa.String(length=2), nullable=False),
    sa.Column('arrest_date', sa.Date(), nullable=False),
    sa.Column('sub_month', sa.String(length=7), nullable=False),
    sa.Column('offense', sa.String(length=3), nullable=False),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_b_arrests')),
    sa.UniqueConstraint('ori', 'atn', 'seq', name=op.f('uq_group_b_arrests_ori_atn_seq'))
    )
    with op.batch_alter_table('group_b_arrests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_b_arrests_ori_sub_month'), ['ori', 'sub_month'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('incident', sa.String(length=12), nullable=False),
    sa.Column('incident_date', sa.Date(), nullable=False),
    sa.Column('sub_month', sa.String(length=7), nullable=False),
    sa.Column('offense_codes', sa.String(length=40), nullable=False),
    sa.Column('activity_months', sa.String(length=200), nullable=False),
    sa.Column('arrestees', sa.SmallInteger(), nullable=False),
    sa.Column('len_admin', sa.SmallInteger(), nullable=True),
    sa.Column('len_offense', sa.SmallInteger(), nullable=True),
    sa.Column('len_victim', sa.SmallInteger(), nullable=True),
    sa.Column('len_offender', sa.SmallInteger(), nullable=True),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('ori', 'incident', 'incident_date', name=op.f('uq_incidents_ori_incident_incident_date'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_ori_sub_month'), ['ori', 'sub_month'], unique=False)

    op.create_table('runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tool_version', sa.String(length=40), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('incidents_added', sa.Integer(), nullable=False),
    sa.Column('incidents_deleted', sa.Integer(), nullable=False),
    sa.Column('arrests_added', sa.Integer(), nullable=False),
    sa.Column('arrests_deleted', sa.Integer(), nullable=False),
    sa.Column('zero_reports_added', sa.Integer(), nullable=False),
    sa.Column('zero_reports_deleted', sa.Integer(), nullable=False),
    sa.Column('already_on_file', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    op.create_table('zero_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('month', sa.SmallInteger(), nullable=False),
    sa.Column('sub_month', sa.String(length=7), nullable=False),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zero_reports')),
    sa.UniqueConstraint('ori', 'year', 'month', name=op.f('uq_zero_reports_ori_year_month'))
    )
    op.create_table('run_agencies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('incidents', sa.Integer(), nullable=False),
    sa.Column('incidents_64', sa.Integer(), nullable=False),
    sa.Column('group_b', sa.Integer(), nullable=False),
    sa.Column('zero_reports', sa.Integer(), nullable=False),
    sa.Column('deletes', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('rejected_64', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_agencies_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_agencies'))
    )
    with op.batch_alter_table('run_agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_agencies_ori_month'), ['ori', 'month'], unique=False)

    op.create_table('run_files',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_files_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_files'))
    )
    op.create_table('run_findings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('file', sa.String(length=500), nullable=False),
    sa.Column('ori', sa.String(length=9), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_findings_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_findings'))
    )
    with op.batch_alter_table('run_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_findings_ori_month'), ['ori', 'month'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('run_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_findings_ori_month'))

    op.drop_table('run_findings')
    op.drop_table('run_files')
    with op.batch_alter_table('run_agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_agencies_ori_month'))

    op.drop_table('run_agencies')
    op.drop_table('zero_reports')
    op.drop_table('runs')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_ori_sub_month'))

    op.drop_table('incidents')
    with op.batch_alter_table('group_b_arrests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_b_arrests_ori_sub_month'))

    op.drop_table('group_b_arrests')
    with op.batch_alter_table('deletes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deletes_ori_key'))

    op.drop_table('deletes')
    op.drop_table('agency_layouts')
    op.drop_table('agencies')
