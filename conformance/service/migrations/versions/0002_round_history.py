"""Round history in the service store: the rounds, one row per solution with its case outcomes, the service
runs of the rounds started over the API, and which old rounds.db files were imported.

The history of `pact-conformance round` lived in a SQLite file of its own (rounds.db, PRAGMA user_version
schema); conformance/rounds/store.py imports such a file once, when it is found beside the store.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),  # the order rounds are compared in
        sa.Column("round_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("roster_digest", sa.String(64), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40)),  # None while a round started over the API is running
        sa.Column("interrupted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(20), nullable=False),  # running, reporting, finished, interrupted
        sa.Column("account_id", sa.String(32)),  # who started it over the API
        sa.Column("lang", sa.String(8), nullable=False, server_default="en"),
        sa.Column("report_dir", sa.Text),  # the round folder of a round run by the service
    )
    op.create_table(
        "round_rows",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_pk", sa.Integer, sa.ForeignKey("rounds.pk"), nullable=False),
        sa.Column("solution", sa.String(200), nullable=False),
        sa.Column("spec", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("official_verdict", sa.String(20)),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("report_dir", sa.Text),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("round_rows_by_solution", "round_rows", ["solution", "round_pk"])
    op.create_table(
        "round_cases",
        sa.Column("row_pk", sa.Integer, sa.ForeignKey("round_rows.pk"), primary_key=True),
        sa.Column("case_id", sa.String(200), primary_key=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("mandatory", sa.Boolean, nullable=False),
    )
    op.create_table(
        "round_runs",
        sa.Column("round_pk", sa.Integer, sa.ForeignKey("rounds.pk"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),  # the solution's place in the roster
        sa.Column("solution", sa.String(200), nullable=False),
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id"), nullable=False, index=True),
    )
    op.create_table(
        "round_imports",
        sa.Column("source", sa.Text, primary_key=True),  # the resolved path of an imported rounds.db
        sa.Column("rounds", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("round_imports", "round_runs", "round_cases", "round_rows", "rounds"):
        op.drop_table(table)
