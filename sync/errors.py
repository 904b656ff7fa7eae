"""What can stop a sync, each with one message a clerk or administrator can act on."""

from __future__ import annotations

from db.errors import ClerkDeskError


class SyncError(ClerkDeskError):
    """Base of sync failures."""


class NotEnrolled(SyncError):
    exit_code = 4


class SyncBusy(SyncError):
    exit_code = 6


class GatewayUnreachable(SyncError):
    """Network errors, timeouts, 5xx, 429 or an answer that is not the gateway's, after the
    retries: nothing is lost, the next sync resumes."""

    exit_code = 12


class SyncRefused(SyncError):
    """The gateway refused (401/403/400/413/422): a person must look; not retried."""

    exit_code = 4

    def __init__(self, message: str, status: int, error: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


class ForkDetected(SyncError):
    """The desk's chain and the gateway's differ at `seq`: upstream sync stops for good."""

    exit_code = 5

    def __init__(self, message: str, seq: int, desk_hash: str, gateway_hash: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.desk_hash = desk_hash
        self.gateway_hash = gateway_hash


class DeskBehind(SyncError):
    """The gateway holds more of this desk's chain than the desk: a restored backup."""

    exit_code = 5

    def __init__(self, message: str, desk_seq: int, gateway_seq: int) -> None:
        super().__init__(message)
        self.desk_seq = desk_seq
        self.gateway_seq = gateway_seq
