"""What each chat was last answered about (a programme, centre or FAQ id, never its words), for
follow-up questions such as "is it free?"; under salted chat keys, for 30 minutes.

Revision ID: s0004
Revises: s0003
"""

import sqlalchemy as sa
from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "last_answers",
        sa.Column("chat", sa.Text, primary_key=True),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
    )
    op.create_index("last_answers_expires_at", "last_answers", ["expires_at"])


def downgrade() -> None:
    op.drop_index("last_answers_expires_at", "last_answers")
    op.drop_table("last_answers")
