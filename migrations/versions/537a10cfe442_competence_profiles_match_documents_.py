"""competence profiles, match documents, challenge invitations and shares

Revision ID: 537a10cfe442
Revises: 336256bbbd3f
Create Date: 2026-11-26 03:38:59.156412

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '537a10cfe442'
down_revision = '336256bbbd3f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_profiles',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('markets', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_company_profiles_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_company_profiles'))
    )
    op.create_table('competences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('cpv_codes', sa.JSON(), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=False),
    sa.Column('references', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_competences_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competences'))
    )
    with op.batch_alter_table('competences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competences_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('match_documents',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('profile_text', sa.Text(), nullable=False),
    sa.Column('cpv_codes', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('markets', sa.JSON(), nullable=False),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_match_documents_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_match_documents'))
    )
    op.create_table('profile_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cluster_id'], ['organisations.id'], name=op.f('fk_profile_consents_cluster_id_organisations')),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_profile_consents_company_id_organisations')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_profile_consents_granted_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_profile_consents_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_consents'))
    )
    with op.batch_alter_table('profile_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_consents_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_consents_company_id'), ['company_id'], unique=False)

    op.create_table('challenge_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_invitations_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cluster_id'], ['organisations.id'], name=op.f('fk_challenge_invitations_cluster_id_organisations')),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_challenge_invitations_company_id_organisations')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_challenge_invitations_invited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_invitations')),
    sa.UniqueConstraint('challenge_id', 'company_id', name=op.f('uq_challenge_invitations_challenge_id'))
    )
    with op.batch_alter_table('challenge_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_invitations_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_invitations_company_id'), ['company_id'], unique=False)

    op.create_table('challenge_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('shared_by_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_shares_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cluster_id'], ['organisations.id'], name=op.f('fk_challenge_shares_cluster_id_organisations')),
    sa.ForeignKeyConstraint(['shared_by_id'], ['users.id'], name=op.f('fk_challenge_shares_shared_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_shares')),
    sa.UniqueConstraint('challenge_id', 'cluster_id', name=op.f('uq_challenge_shares_challenge_id'))
    )
    with op.batch_alter_table('challenge_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_shares_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_shares_cluster_id'), ['cluster_id'], unique=False)



def downgrade():
    with op.batch_alter_table('challenge_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_shares_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_shares_challenge_id'))

    op.drop_table('challenge_shares')
    with op.batch_alter_table('challenge_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_invitations_company_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_invitations_challenge_id'))

    op.drop_table('challenge_invitations')
    with op.batch_alter_table('profile_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_consents_company_id'))
        batch_op.drop_index(batch_op.f('ix_profile_consents_cluster_id'))

    op.drop_table('profile_consents')
    op.drop_table('match_documents')
    with op.batch_alter_table('competences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competences_organisation_id'))

    op.drop_table('competences')
    op.drop_table('company_profiles')
