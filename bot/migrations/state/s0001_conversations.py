"""Eligibility conversations under a salted hash of the chat: the table earlier versions made.

Revision ID: s0001
"""

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("chat", sa.Text, primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversations")
