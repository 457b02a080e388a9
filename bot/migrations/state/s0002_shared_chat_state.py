"""State that replicas share: language choices, /stats counters, handled update ids, the chat-key salt.

Revision ID: s0002
Revises: s0001
"""

import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("conversations_expires_at", "conversations", ["expires_at"])
    op.create_table(
        "chat_languages",
        sa.Column("chat", sa.Text, primary_key=True),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
    )
    op.create_index("chat_languages_expires_at", "chat_languages", ["expires_at"])
    op.create_table(
        "stats",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "handled_updates",
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("claimed_at", sa.Text, nullable=False),
    )
    op.create_index("handled_updates_claimed_at", "handled_updates", ["claimed_at"])
    op.create_table(
        "secrets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("secrets")
    op.drop_index("handled_updates_claimed_at", "handled_updates")
    op.drop_table("handled_updates")
    op.drop_table("stats")
    op.drop_index("chat_languages_expires_at", "chat_languages")
    op.drop_table("chat_languages")
    op.drop_index("conversations_expires_at", "conversations")
