"""innovation pools, grant applications, payments

Revision ID: d0dbc1180d47
Revises: 6439f1a8bc8c
Create Date: 2026-11-25 21:32:14.285963

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0dbc1180d47'
down_revision = '6439f1a8bc8c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('administrator_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_budget', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('min_grant', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('max_grant', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('units_per_eur', sa.Numeric(precision=12, scale=6), nullable=False),
    sa.Column('eligibility_text', sa.Text(), nullable=False),
    sa.Column('require_sme', sa.Boolean(), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('require_public_partner', sa.Boolean(), nullable=False),
    sa.Column('require_research_partner', sa.Boolean(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['administrator_id'], ['organisations.id'], name=op.f('fk_pools_administrator_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pools_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pools'))
    )
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pools_administrator_id'), ['administrator_id'], unique=False)

    op.create_table('pool_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'rejected', name='applicationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('requested', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('co_financing', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('de_minimis_received_eur', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('de_minimis_declared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('de_minimis_declared_by_id', sa.Integer(), nullable=True),
    sa.Column('benefit_statement', sa.Text(), nullable=True),
    sa.Column('benefit_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('benefit_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_amount', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['benefit_confirmed_by_id'], ['users.id'], name=op.f('fk_pool_applications_benefit_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_pool_applications_company_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pool_applications_created_by_id_users')),
    sa.ForeignKeyConstraint(['de_minimis_declared_by_id'], ['users.id'], name=op.f('fk_pool_applications_de_minimis_declared_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pool_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pool_applications_pilot_id_pilots')),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_pool_applications_pool_id_pools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_applications')),
    sa.UniqueConstraint('pool_id', 'pilot_id', name=op.f('uq_pool_applications_pool_id'))
    )
    with op.batch_alter_table('pool_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_applications_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_applications_pilot_id'), ['pilot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_applications_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_applications_status'), ['status'], unique=False)

    op.create_table('pool_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['pool_applications.id'], name=op.f('fk_pool_payments_application_id_pool_applications')),
    sa.ForeignKeyConstraint(['milestone_id'], ['pilot_milestones.id'], name=op.f('fk_pool_payments_milestone_id_pilot_milestones')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_pool_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_payments'))
    )
    with op.batch_alter_table('pool_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_payments_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pool_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_payments_application_id'))

    op.drop_table('pool_payments')
    with op.batch_alter_table('pool_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_applications_status'))
        batch_op.drop_index(batch_op.f('ix_pool_applications_pool_id'))
        batch_op.drop_index(batch_op.f('ix_pool_applications_pilot_id'))
        batch_op.drop_index(batch_op.f('ix_pool_applications_company_id'))

    op.drop_table('pool_applications')
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pools_administrator_id'))

    op.drop_table('pools')
