"""caches and rollup: units.generation, counters, pages (stored public pages), rollup

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:32:46.152475

Existing data: the publication counter starts at 0 (every unit's generation is 0 and no
page is stored yet), and the rollup is computed from the current cells, as
``yusuan.store.rollup.rebuild`` does.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


ROLLUP_FROM_CELLS = """
INSERT INTO rollup (year, table_id, column_role, code_level, code, phase, department_id, region, code_kind, side,
                    is_amount, total, cells)
SELECT c.year, c.table_id, coalesce(c.column_role, ''), c.code_level, coalesce(c.code, ''), c.phase,
       coalesce(c.department_id, 0), coalesce(u.region, ''), coalesce(c.code_kind, ''), coalesce(c.side, ''),
       CASE WHEN c.amount_unit IS NOT NULL THEN {true} ELSE {false} END, sum(c.scaled), count(*)
FROM cells c JOIN units u ON u.id = c.unit_id
WHERE c.is_current = {true}
GROUP BY c.year, c.table_id, coalesce(c.column_role, ''), c.code_level, coalesce(c.code, ''), c.phase,
         coalesce(c.department_id, 0), coalesce(u.region, ''), coalesce(c.code_kind, ''), coalesce(c.side, ''),
         CASE WHEN c.amount_unit IS NOT NULL THEN {true} ELSE {false} END
"""


def upgrade() -> None:
    op.create_table('counters',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('rollup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.String(length=64), nullable=False),
    sa.Column('column_role', sa.String(length=64), nullable=False),
    sa.Column('code_level', sa.SmallInteger(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('phase', sa.String(length=8), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('code_kind', sa.String(length=16), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('is_amount', sa.Boolean(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('cells', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup')),
    sa.UniqueConstraint('year', 'table_id', 'column_role', 'code_level', 'code', 'phase', 'department_id', 'region',
                        'code_kind', 'side', 'is_amount', name=op.f('uq_rollup_key'))
    )
    op.create_table('pages',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('variant', sa.String(length=64), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('renderer', sa.String(length=32), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('rendered_at', sa.DateTime(), nullable=False),
    sa.Column('encoding', sa.String(length=16), nullable=False),
    sa.Column('headers', sa.Text(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pages_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'year', 'kind', 'variant', name=op.f('pk_pages'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.BigInteger(), server_default='0', nullable=False))

    op.execute("INSERT INTO counters (name, value) VALUES ('publication', 0)")
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(ROLLUP_FROM_CELLS.format(true="1" if sqlite else "true", false="0" if sqlite else "false"))


def downgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('generation')

    op.drop_table('pages')
    op.drop_table('rollup')
    op.drop_table('counters')
