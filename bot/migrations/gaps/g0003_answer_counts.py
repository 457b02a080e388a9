"""Daily counts of answers by language and outcome (numbers only), for the staff console.

Revision ID: g0003
Revises: g0002
"""

import sqlalchemy as sa
from alembic import op

revision = "g0003"
down_revision = "g0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_counts",
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("lang", sa.Text, primary_key=True),
        sa.Column("outcome", sa.Text, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("answer_counts")
