"""drop the per-account lock-out columns

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:30:00

Failed logins are throttled per client address and per (address, account)
in memory (bot/portal/throttle.py), so strangers can no longer lock a staff
member out; the account's own failure count and lock time are unused.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("portal_user") as batch:
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("portal_user") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
