"""challenge list indexes, search index (PostgreSQL), indicator cache

Revision ID: bc7ee9eb8b64
Revises: 537a10cfe442
Create Date: 2026-11-26 03:45:08.760155

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bc7ee9eb8b64'
down_revision = '537a10cfe442'
branch_labels = None
depends_on = None

# The expression of ppi.challenges.models.search_vector, as the challenge search writes it.
SEARCH_VECTOR = "to_tsvector('simple', title || ' ' || summary || ' ' || description)"


def upgrade():
    op.create_table('indicator_cache',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refreshing_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('html', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_indicator_cache'))
    )
    with op.batch_alter_table('indicator_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_cache_computed_at'), ['computed_at'], unique=False)

    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenges_published_at'))
        batch_op.create_index('ix_challenges_deadline', ['proposal_deadline', 'id'], unique=False)
        batch_op.create_index('ix_challenges_published', ['published_at', 'id'], unique=False)
        batch_op.create_index('ix_challenges_title', ['title', 'id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_challenges_search', 'challenges', [sa.text(SEARCH_VECTOR)], postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_challenges_search', table_name='challenges')

    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index('ix_challenges_title')
        batch_op.drop_index('ix_challenges_published')
        batch_op.drop_index('ix_challenges_deadline')
        batch_op.create_index(batch_op.f('ix_challenges_published_at'), ['published_at'], unique=False)

    with op.batch_alter_table('indicator_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_cache_computed_at'))

    op.drop_table('indicator_cache')
