"""Alembic migrations of the gateway database (`upgrade` in sync.gateway.store)."""
