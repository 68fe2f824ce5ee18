"""pilot records opened for selected proposals

Revision ID: 94a49b912ce8
Revises: cbcc29022c06
Create Date: 2026-11-25 21:23:45.045737

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '94a49b912ce8'
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



def downgrade():
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilots_status'))
        batch_op.drop_index(batch_op.f('ix_pilots_company_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_authority_id'))

    op.drop_table('pilots')
