"""Once-only actions shared by replicas (a 👍/👎 on one answer counts once), under salted chat keys.

Revision ID: s0003
Revises: s0002
"""

import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("claimed_at", sa.Text, nullable=False),
    )
    op.create_index("claims_claimed_at", "claims", ["claimed_at"])


def downgrade() -> None:
    op.drop_table("claims")
