"""attachments in an upload directory: stored_files.location, data nullable, the bytes in exactly one of them

Revision ID: 336256bbbd3f
Revises: 27f094647535
Create Date: 2026-11-26 03:29:58.331932

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '336256bbbd3f'
down_revision = '27f094647535'
branch_labels = None
depends_on = None

CHECK = 'ck_stored_files_bytes_in_one_place'  # the models' naming convention applied


def upgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=100), nullable=True))
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_check_constraint(op.f(CHECK), '(data IS NULL) <> (location IS NULL)')


def downgrade():
    in_directory = op.get_bind().scalar(sa.text('SELECT count(*) FROM stored_files WHERE location IS NOT NULL'))
    if in_directory:
        raise RuntimeError(f'{in_directory} attachment(s) are in the upload directory (PPI_UPLOAD_DIR): back up with '
                           f'`flask ppi backup`, restore into a database without PPI_UPLOAD_DIR set, then downgrade')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('location')
