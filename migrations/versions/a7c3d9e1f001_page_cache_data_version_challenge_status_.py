"""page cache data version; challenges indexed on (status, published_at, id) and questions_deadline

Revision ID: a7c3d9e1f001
Revises: bc7ee9eb8b64
Create Date: 2026-11-26 06:40:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3d9e1f001'
down_revision = 'bc7ee9eb8b64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    # The one row of ppi.core.pagecache.DataVersion: without it nothing is cached.
    op.execute(f"INSERT INTO data_version (id, token) VALUES (1, '{secrets.token_hex(16)}')")
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.create_index('ix_challenges_status_published', ['status', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_challenges_questions_deadline', ['questions_deadline'], unique=False)


def downgrade():
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index('ix_challenges_questions_deadline')
        batch_op.drop_index('ix_challenges_status_published')

    op.drop_table('data_version')
