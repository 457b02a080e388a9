"""An index on feedback.day, which the retention delete and the report's window filter on.

Revision ID: g0002
Revises: g0001
"""

from alembic import op

revision = "g0002"
down_revision = "g0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("feedback_day", "feedback", ["day"])


def downgrade() -> None:
    op.drop_index("feedback_day", "feedback")
