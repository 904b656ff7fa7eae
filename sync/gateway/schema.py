"""The gateway's tables (SQLAlchemy Core). Alembic's migrations create them; a test proves
the migrated database equals this metadata. Times are UTC ISO 8601 text, which sorts."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

HASH = String(64)
TIME = String(40)

enrol_codes = Table(
    "enrol_codes",
    metadata,
    Column("code_hash", HASH, primary_key=True),  # SHA-256 of the normalised code
    Column("centre_code", String(12), nullable=False),
    Column("desk_no", Integer, nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("expires_at", TIME, nullable=False),
    Column("used_at", TIME),
    Column("used_by", String(64)),
)

desks = Table(
    "desks",
    metadata,
    Column("desk_id", String(64), primary_key=True),  # the desk ledger's id
    Column("centre_code", String(12), nullable=False),
    Column("desk_no", Integer, nullable=False),
    Column("pubkey", String(64), nullable=False),
    Column("enrolled_at", TIME, nullable=False),
    Column("revoked_at", TIME),
    Column("acked_seq", BigInteger, nullable=False),
    Column("head_hash", HASH, nullable=False),
    Column("last_batch_at", TIME),
)

events = Table(
    "events",
    metadata,
    Column("desk_id", String(64), ForeignKey("desks.desk_id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("hash", HASH, nullable=False),
    Column("prev_hash", HASH, nullable=False),
    Column("kind", String(200), nullable=False),
    Column("raw", Text, nullable=False),  # the canonical event text exactly as sent
    Column("batch_id", String(64), nullable=False),
    Column("received_at", TIME, nullable=False),
    Column("quarantine", Text),  # why the body failed its schema: not forwarded
    PrimaryKeyConstraint("desk_id", "seq", name="events_pk"),
)

batches = Table(
    "batches",
    metadata,
    Column("desk_id", String(64), ForeignKey("desks.desk_id"), nullable=False),
    Column("batch_id", String(64), nullable=False),
    Column("body_sha256", HASH, nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("created_at", TIME, nullable=False),  # as signed by the desk
    Column("received_at", TIME, nullable=False),
    PrimaryKeyConstraint("desk_id", "batch_id", name="batches_pk"),
)

forks = Table(
    "forks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("desk_id", String(64), ForeignKey("desks.desk_id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("desk_hash", HASH, nullable=False),
    Column("gateway_hash", HASH, nullable=False),
    Column("detected_at", TIME, nullable=False),
)
