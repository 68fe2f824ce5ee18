"""proposals, versions, evaluation panels, scores, decisions

Revision ID: cbcc29022c06
Revises: 1867b0e6d842
Create Date: 2026-11-25 21:20:37.263371

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cbcc29022c06'
down_revision = '1867b0e6d842'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_decisions',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('award', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_evaluation_decisions_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_evaluation_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('challenge_id', name=op.f('pk_evaluation_decisions'))
    )
    op.create_table('evaluation_panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('declaration', sa.Enum('pending', 'no_conflict', 'conflict', name='declaration', native_enum=False, length=16), nullable=False),
    sa.Column('declaration_note', sa.Text(), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('neutrality', sa.Enum('justified', 'recused', name='neutrality', native_enum=False, length=16), nullable=True),
    sa.Column('neutrality_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_evaluation_panel_added_by_id_users')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_evaluation_panel_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_panel_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_panel')),
    sa.UniqueConstraint('challenge_id', 'user_id', name=op.f('uq_evaluation_panel_challenge_id'))
    )
    with op.batch_alter_table('evaluation_panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_panel_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_panel_user_id'), ['user_id'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'withdrawn', name='proposalstatus', native_enum=False, length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('test_users_needed', sa.Integer(), nullable=False),
    sa.Column('sites_needed', sa.Integer(), nullable=False),
    sa.Column('duration_weeks', sa.Integer(), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=True),
    sa.Column('data_access', sa.Text(), nullable=True),
    sa.Column('pilot_price_eur', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('research_partners', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version_count', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('selected', 'not_selected', name='outcome', native_enum=False, length=16), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_proposals_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_proposals_company_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposals_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('challenge_id', 'company_id', name=op.f('uq_proposals_challenge_id'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_status'), ['status'], unique=False)

    op.create_table('evaluation_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_member_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['challenge_criteria.id'], name=op.f('fk_evaluation_scores_criterion_id_challenge_criteria')),
    sa.ForeignKeyConstraint(['panel_member_id'], ['evaluation_panel.id'], name=op.f('fk_evaluation_scores_panel_member_id_evaluation_panel'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_evaluation_scores_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_scores')),
    sa.UniqueConstraint('panel_member_id', 'proposal_id', 'criterion_id', name=op.f('uq_evaluation_scores_panel_member_id'))
    )
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_scores_panel_member_id'), ['panel_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_scores_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_proposal_attachments_file_id_stored_files')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_attachments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_attachments'))
    )
    with op.batch_alter_table('proposal_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_attachments_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_partners',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'confirmed', 'declined', name='partnerstatus', native_enum=False, length=16), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_proposal_partners_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_proposal_partners_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_partners_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'organisation_id', name=op.f('pk_proposal_partners'))
    )
    with op.batch_alter_table('proposal_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_partners_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_proposal_versions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_versions_proposal_id'))
    )
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_versions_digest'), ['digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_versions_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_version_files',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_proposal_version_files_file_id_stored_files')),
    sa.ForeignKeyConstraint(['version_id'], ['proposal_versions.id'], name=op.f('fk_proposal_version_files_version_id_proposal_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'file_id', name=op.f('pk_proposal_version_files'))
    )


def downgrade():
    op.drop_table('proposal_version_files')
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_versions_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_versions_digest'))

    op.drop_table('proposal_versions')
    with op.batch_alter_table('proposal_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_partners_organisation_id'))

    op.drop_table('proposal_partners')
    with op.batch_alter_table('proposal_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_attachments_proposal_id'))

    op.drop_table('proposal_attachments')
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_panel_member_id'))

    op.drop_table('evaluation_scores')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_proposals_company_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_challenge_id'))

    op.drop_table('proposals')
    with op.batch_alter_table('evaluation_panel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_panel_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_panel_challenge_id'))

    op.drop_table('evaluation_panel')
    op.drop_table('evaluation_decisions')
