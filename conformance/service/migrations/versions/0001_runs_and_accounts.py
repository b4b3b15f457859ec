"""Accounts, runs, their progress events, held secrets and the service instances.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "instances",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(32), sa.ForeignKey("accounts.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("solution", sa.String(200)),
        sa.Column("spec", sa.String(10), nullable=False),
        sa.Column("profiles", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),  # JSON: base_url, auth_url, client_id (never a secret)
        sa.Column("request", sa.Text, nullable=False),  # JSON: the run's options as asked (never a secret)
        sa.Column("callback_token", sa.String(64), nullable=False, unique=True),
        sa.Column("listener", sa.String(200)),  # host:port of the running run's events host
        sa.Column("instance_id", sa.String(32)),
        sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("verdict", sa.String(20)),
        sa.Column("official_verdict", sa.String(20)),
        sa.Column("exit_code", sa.Integer),
        sa.Column("summary", sa.Text),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("report_dir", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "run_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "run_secrets",  # only with a service key: Fernet ciphertext, deleted when the run starts
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("ciphertext", sa.Text, nullable=False),
    )
    op.create_table(
        "callback_counts",
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("requests", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("callback_counts", "run_secrets", "run_events", "runs", "instances", "accounts"):
        op.drop_table(table)
