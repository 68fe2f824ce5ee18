"""case library: case summaries and their CPV codes

Revision ID: b8d4eaf2a002
Revises: a7c3d9e1f001
Create Date: 2026-11-26 06:38:33.320588

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d4eaf2a002'
down_revision = 'a7c3d9e1f001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=True),
    sa.Column('procurement_case_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'withdrawn', name='summarystatus', native_enum=False, length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('authority_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('authority_approved_by_id', sa.Integer(), nullable=True),
    sa.Column('cluster_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cluster_approved_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('what_was_tried', sa.Text(), nullable=False),
    sa.Column('with_whom', sa.Text(), nullable=False),
    sa.Column('users_said', sa.Text(), nullable=True),
    sa.Column('learned', sa.Text(), nullable=False),
    sa.Column('differently', sa.Text(), nullable=True),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('challenge_title', sa.String(length=200), nullable=True),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('authority_name', sa.String(length=200), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('cluster_name', sa.String(length=200), nullable=True),
    sa.Column('company_name', sa.String(length=200), nullable=True),
    sa.Column('nuts_code', sa.String(length=5), nullable=True),
    sa.Column('pilot_from', sa.Date(), nullable=True),
    sa.Column('pilot_until', sa.Date(), nullable=True),
    sa.Column('test_users', sa.Integer(), nullable=True),
    sa.Column('sus_mean', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('sus_grade', sa.String(length=2), nullable=True),
    sa.Column('sus_respondents', sa.Integer(), nullable=True),
    sa.Column('procedure', sa.Enum('open', 'restricted', 'competitive_with_negotiation', 'competitive_dialogue', 'innovation_partnership', 'negotiated_without_publication', 'design_contest', 'pre_commercial', 'below_threshold', name='procedure', native_enum=False, length=40), nullable=True),
    sa.Column('contract_value_eur', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('outcome', sa.Enum('procured', 'procurement_cancelled', 'proceed', 'iterate', 'failed_pilot', 'reported', name='outcome', native_enum=False, length=24), nullable=False),
    sa.CheckConstraint('pilot_id IS NOT NULL OR procurement_case_id IS NOT NULL', name=op.f('ck_case_summaries_source')),
    sa.ForeignKeyConstraint(['authority_approved_by_id'], ['users.id'], name=op.f('fk_case_summaries_authority_approved_by_id_users')),
    sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name=op.f('fk_case_summaries_authority_id_organisations')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_case_summaries_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['cluster_approved_by_id'], ['users.id'], name=op.f('fk_case_summaries_cluster_approved_by_id_users')),
    sa.ForeignKeyConstraint(['cluster_id'], ['organisations.id'], name=op.f('fk_case_summaries_cluster_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_summaries_created_by_id_users')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_case_summaries_pilot_id_pilots')),
    sa.ForeignKeyConstraint(['procurement_case_id'], ['procurement_cases.id'], name=op.f('fk_case_summaries_procurement_case_id_procurement_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_summaries')),
    sa.UniqueConstraint('pilot_id', name=op.f('uq_case_summaries_pilot_id')),
    sa.UniqueConstraint('procurement_case_id', name=op.f('uq_case_summaries_procurement_case_id'))
    )
    with op.batch_alter_table('case_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_summaries_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_summaries_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_summaries_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_summaries_nuts_code'), ['nuts_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_summaries_outcome'), ['outcome'], unique=False)
        batch_op.create_index('ix_case_summaries_status_published', ['status', 'published_at', 'id'], unique=False)

    op.create_table('case_summary_cpv',
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['summary_id'], ['case_summaries.id'], name=op.f('fk_case_summary_cpv_summary_id_case_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('summary_id', 'code', name=op.f('pk_case_summary_cpv'))
    )
    with op.batch_alter_table('case_summary_cpv', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_summary_cpv_code'), ['code'], unique=False)


def downgrade():
    with op.batch_alter_table('case_summary_cpv', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_summary_cpv_code'))

    op.drop_table('case_summary_cpv')
    with op.batch_alter_table('case_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_case_summaries_status_published')
        batch_op.drop_index(batch_op.f('ix_case_summaries_outcome'))
        batch_op.drop_index(batch_op.f('ix_case_summaries_nuts_code'))
        batch_op.drop_index(batch_op.f('ix_case_summaries_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_case_summaries_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_case_summaries_authority_id'))

    op.drop_table('case_summaries')
