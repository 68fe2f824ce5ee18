"""pilots: plan, lifecycle, test users and feedback, log, measurements, report

Revision ID: 6439f1a8bc8c
Revises: cbcc29022c06
Create Date: 2026-11-25 21:29:27.457606

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6439f1a8bc8c'
down_revision = 'cbcc29022c06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pilots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planning', 'plan_approved', 'running', 'paused', 'completed', 'stopped_early', 'reported', name='pilotstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('budget_eur', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('funding_split', sa.Text(), nullable=True),
    sa.Column('personal_data', sa.Text(), nullable=True),
    sa.Column('legal_basis', sa.String(length=500), nullable=True),
    sa.Column('dpia_done', sa.Boolean(), nullable=True),
    sa.Column('consent_version', sa.String(length=40), nullable=False),
    sa.Column('authority_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('company_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('recommendation', sa.Enum('proceed', 'iterate', 'stop', name='recommendation', native_enum=False, length=16), nullable=True),
    sa.Column('authority_decision', sa.Enum('proceed', 'iterate', 'stop', name='recommendation', native_enum=False, length=16), nullable=True),
    sa.Column('authority_decision_note', sa.Text(), nullable=True),
    sa.Column('authority_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name=op.f('fk_pilots_authority_id_organisations')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_pilots_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['cluster_id'], ['organisations.id'], name=op.f('fk_pilots_cluster_id_organisations')),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_pilots_company_id_organisations')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_pilots_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilots')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_pilots_proposal_id'))
    )
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilots_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_status'), ['status'], unique=False)

    op.create_table('pilot_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('comparison', sa.Enum('at_least', 'at_most', name='comparison', native_enum=False, length=16), nullable=False),
    sa.Column('target', sa.Numeric(precision=15, scale=4), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.Column('rated_by_users', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_criteria_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_criteria'))
    )
    with op.batch_alter_table('pilot_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_criteria_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('severity', sa.Enum('observation', 'low', 'medium', 'high', 'critical', name='severity', native_enum=False, length=16), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_log_pilot_id_pilots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_pilot_log_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_log'))
    )
    with op.batch_alter_table('pilot_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_log_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_pilot_milestones_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_milestones_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_milestones'))
    )
    with op.batch_alter_table('pilot_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_milestones_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_sites_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_sites'))
    )
    with op.batch_alter_table('pilot_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_sites_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('planning', 'plan_approved', 'running', 'paused', 'completed', 'stopped_early', 'reported', name='pilotstatus', native_enum=False, length=16), nullable=False),
    sa.Column('to_status', sa.Enum('planning', 'plan_approved', 'running', 'paused', 'completed', 'stopped_early', 'reported', name='pilotstatus', native_enum=False, length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_pilot_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_status_changes_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_status_changes'))
    )
    with op.batch_alter_table('pilot_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_status_changes_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_user_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('planned', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_user_groups_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_user_groups'))
    )
    with op.batch_alter_table('pilot_user_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_user_groups_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=15, scale=4), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['pilot_criteria.id'], name=op.f('fk_pilot_measurements_criterion_id_pilot_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_pilot_measurements_entered_by_id_users')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_measurements_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_measurements'))
    )
    with op.batch_alter_table('pilot_measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_measurements_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilot_measurements_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_test_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=False),
    sa.Column('consent_version', sa.String(length=40), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['pilot_user_groups.id'], name=op.f('fk_pilot_test_users_group_id_pilot_user_groups')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_test_users_pilot_id_pilots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['pilot_sites.id'], name=op.f('fk_pilot_test_users_site_id_pilot_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_test_users')),
    sa.UniqueConstraint('pilot_id', 'code', name=op.f('uq_pilot_test_users_pilot_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pilot_test_users_token_hash'))
    )
    with op.batch_alter_table('pilot_test_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_test_users_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('test_user_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sus_answers', sa.JSON(), nullable=False),
    sa.Column('sus_score', sa.Double(), nullable=False),
    sa.Column('what_worked', sa.Text(), nullable=True),
    sa.Column('what_did_not', sa.Text(), nullable=True),
    sa.Column('quoted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_feedback_pilot_id_pilots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['test_user_id'], ['pilot_test_users.id'], name=op.f('fk_pilot_feedback_test_user_id_pilot_test_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_feedback'))
    )
    with op.batch_alter_table('pilot_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_feedback_pilot_id'), ['pilot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilot_feedback_test_user_id'), ['test_user_id'], unique=False)

    op.create_table('pilot_criterion_ratings',
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['pilot_criteria.id'], name=op.f('fk_pilot_criterion_ratings_criterion_id_pilot_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_id'], ['pilot_feedback.id'], name=op.f('fk_pilot_criterion_ratings_feedback_id_pilot_feedback'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feedback_id', 'criterion_id', name=op.f('pk_pilot_criterion_ratings'))
    )


def downgrade():
    op.drop_table('pilot_criterion_ratings')
    with op.batch_alter_table('pilot_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_feedback_test_user_id'))
        batch_op.drop_index(batch_op.f('ix_pilot_feedback_pilot_id'))

    op.drop_table('pilot_feedback')
    with op.batch_alter_table('pilot_test_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_test_users_pilot_id'))

    op.drop_table('pilot_test_users')
    with op.batch_alter_table('pilot_measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_measurements_pilot_id'))
        batch_op.drop_index(batch_op.f('ix_pilot_measurements_criterion_id'))

    op.drop_table('pilot_measurements')
    with op.batch_alter_table('pilot_user_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_user_groups_pilot_id'))

    op.drop_table('pilot_user_groups')
    with op.batch_alter_table('pilot_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_status_changes_pilot_id'))

    op.drop_table('pilot_status_changes')
    with op.batch_alter_table('pilot_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_sites_pilot_id'))

    op.drop_table('pilot_sites')
    with op.batch_alter_table('pilot_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_milestones_pilot_id'))

    op.drop_table('pilot_milestones')
    with op.batch_alter_table('pilot_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_log_pilot_id'))

    op.drop_table('pilot_log')
    with op.batch_alter_table('pilot_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_criteria_pilot_id'))

    op.drop_table('pilot_criteria')
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilots_status'))
        batch_op.drop_index(batch_op.f('ix_pilots_company_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_authority_id'))

    op.drop_table('pilots')
