"""Unsure questions and per-passage 👍/👎: the schema earlier versions made (PRAGMA user_version 1).

Revision ID: g0001
"""

import sqlalchemy as sa
from alembic import op

revision = "g0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gaps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("asked_at", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("question", sa.Text),
        sa.Column("lang", sa.Text),
        sa.Column("score", sa.Float),
        sa.Column("passage", sa.Text),
        sa.CheckConstraint("kind IN ('unsure', 'thumbs_down')", name="gaps_kind"),
    )
    op.create_index("gaps_asked_at", "gaps", ["asked_at"])
    op.create_table(
        "feedback",
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("passage", sa.Text, nullable=False),
        sa.Column("up", sa.Integer, nullable=False, server_default="0"),
        sa.Column("down", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("day", "passage"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 1")  # what earlier versions expect, should one be run again


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_index("gaps_asked_at", "gaps")
    op.drop_table("gaps")
