"""The first gateway schema: enrolment codes, desks, events, batches, forks.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

HASH = sa.String(64)
TIME = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "enrol_codes",
        sa.Column("code_hash", HASH, primary_key=True),
        sa.Column("centre_code", sa.String(12), nullable=False),
        sa.Column("desk_no", sa.Integer, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME),
        sa.Column("used_by", sa.String(64)),
    )
    op.create_table(
        "desks",
        sa.Column("desk_id", sa.String(64), primary_key=True),
        sa.Column("centre_code", sa.String(12), nullable=False),
        sa.Column("desk_no", sa.Integer, nullable=False),
        sa.Column("pubkey", sa.String(64), nullable=False),
        sa.Column("enrolled_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME),
        sa.Column("acked_seq", sa.BigInteger, nullable=False),
        sa.Column("head_hash", HASH, nullable=False),
        sa.Column("last_batch_at", TIME),
    )
    op.create_table(
        "events",
        sa.Column("desk_id", sa.String(64), sa.ForeignKey("desks.desk_id"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("prev_hash", HASH, nullable=False),
        sa.Column("kind", sa.String(200), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("quarantine", sa.Text),
        sa.PrimaryKeyConstraint("desk_id", "seq", name="events_pk"),
    )
    op.create_table(
        "batches",
        sa.Column("desk_id", sa.String(64), sa.ForeignKey("desks.desk_id"), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("body_sha256", HASH, nullable=False),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("desk_id", "batch_id", name="batches_pk"),
    )
    op.create_table(
        "forks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("desk_id", sa.String(64), sa.ForeignKey("desks.desk_id"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("desk_hash", HASH, nullable=False),
        sa.Column("gateway_hash", HASH, nullable=False),
        sa.Column("detected_at", TIME, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("gateway migrations are forward-only")
