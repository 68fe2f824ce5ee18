"""challenges, questions, follows, notifications, stored files

Revision ID: 1867b0e6d842
Revises: 2fd5672700de
Create Date: 2026-11-25 11:08:35.398400

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1867b0e6d842'
down_revision = '2fd5672700de'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('expected_benefits', sa.Text(), nullable=False),
    sa.Column('test_setting', sa.Text(), nullable=False),
    sa.Column('test_users_offered', sa.Integer(), nullable=False),
    sa.Column('pilot_budget_eur', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('estimated_contract_value_eur', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('contract_kind', sa.Enum('supplies', 'services', 'works', name='contractkind', native_enum=False, length=16), nullable=False),
    sa.Column('nuts_code', sa.String(length=5), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('ipr_model', sa.Enum('company_licence', 'shared', 'authority_owns', name='iprmodel', native_enum=False, length=20), nullable=False),
    sa.Column('ipr_note', sa.Text(), nullable=True),
    sa.Column('questions_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposal_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('draft', 'in_moderation', 'published', 'closed', 'in_evaluation', 'awarded', 'no_award', 'archived', 'cancelled', name='challengestatus', native_enum=False, length=20), nullable=False),
    sa.Column('lead_authority_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('public_reason', sa.Text(), nullable=True),
    sa.Column('brand_override_note', sa.Text(), nullable=True),
    sa.Column('brand_override_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cluster_id'], ['organisations.id'], name=op.f('fk_challenges_cluster_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_challenges_created_by_id_users')),
    sa.ForeignKeyConstraint(['lead_authority_id'], ['organisations.id'], name=op.f('fk_challenges_lead_authority_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenges'))
    )
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenges_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_lead_authority_id'), ['lead_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_nuts_code'), ['nuts_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_published_at'), ['published_at'], unique=False)
        batch_op.create_index('ix_challenges_status_deadline', ['status', 'proposal_deadline'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files'))
    )
    op.create_table('challenge_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_attachments_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_challenge_attachments_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_attachments'))
    )
    with op.batch_alter_table('challenge_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_attachments_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_cpv_codes',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_cpv_codes_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('challenge_id', 'code', name=op.f('pk_challenge_cpv_codes'))
    )
    with op.batch_alter_table('challenge_cpv_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_cpv_codes_code'), ['code'], unique=False)

    op.create_table('challenge_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_criteria_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_criteria'))
    )
    with op.batch_alter_table('challenge_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_criteria_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_follows',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_follows_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_challenge_follows_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'challenge_id', name=op.f('pk_challenge_follows'))
    )
    with op.batch_alter_table('challenge_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_follows_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_partners',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_partners_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_challenge_partners_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('challenge_id', 'organisation_id', name=op.f('pk_challenge_partners'))
    )
    with op.batch_alter_table('challenge_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_partners_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('challenge_public_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_public_changes_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_public_changes'))
    )
    with op.batch_alter_table('challenge_public_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_public_changes_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asker_organisation_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_question', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_challenge_questions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_challenge_questions_asked_by_id_users')),
    sa.ForeignKeyConstraint(['asker_organisation_id'], ['organisations.id'], name=op.f('fk_challenge_questions_asker_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_questions_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_questions'))
    )
    with op.batch_alter_table('challenge_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_questions_answered_at'), ['answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_questions_asker_organisation_id'), ['asker_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_questions_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_reminders',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.String(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_reminders_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('challenge_id', 'deadline', name=op.f('pk_challenge_reminders'))
    )
    op.create_table('challenge_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'in_moderation', 'published', 'closed', 'in_evaluation', 'awarded', 'no_award', 'archived', 'cancelled', name='challengestatus', native_enum=False, length=20), nullable=False),
    sa.Column('to_status', sa.Enum('draft', 'in_moderation', 'published', 'closed', 'in_evaluation', 'awarded', 'no_award', 'archived', 'cancelled', name='challengestatus', native_enum=False, length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_challenge_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_status_changes_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_status_changes'))
    )
    with op.batch_alter_table('challenge_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_status_changes_challenge_id'), ['challenge_id'], unique=False)



def downgrade():
    with op.batch_alter_table('challenge_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_status_changes_challenge_id'))

    op.drop_table('challenge_status_changes')
    op.drop_table('challenge_reminders')
    with op.batch_alter_table('challenge_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_questions_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_questions_asker_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_questions_answered_at'))

    op.drop_table('challenge_questions')
    with op.batch_alter_table('challenge_public_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_public_changes_challenge_id'))

    op.drop_table('challenge_public_changes')
    with op.batch_alter_table('challenge_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_partners_organisation_id'))

    op.drop_table('challenge_partners')
    with op.batch_alter_table('challenge_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_follows_challenge_id'))

    op.drop_table('challenge_follows')
    with op.batch_alter_table('challenge_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_criteria_challenge_id'))

    op.drop_table('challenge_criteria')
    with op.batch_alter_table('challenge_cpv_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_cpv_codes_code'))

    op.drop_table('challenge_cpv_codes')
    with op.batch_alter_table('challenge_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_attachments_challenge_id'))

    op.drop_table('challenge_attachments')
    op.drop_table('stored_files')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index('ix_challenges_status_deadline')
        batch_op.drop_index(batch_op.f('ix_challenges_published_at'))
        batch_op.drop_index(batch_op.f('ix_challenges_nuts_code'))
        batch_op.drop_index(batch_op.f('ix_challenges_lead_authority_id'))
        batch_op.drop_index(batch_op.f('ix_challenges_cluster_id'))

    op.drop_table('challenges')
