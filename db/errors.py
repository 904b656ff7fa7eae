"""Typed errors. Each carries one clear, user-facing line (Chinese first, English after a
slash where an administrator reads it in a terminal). The CLI and the GUI turn them into a
message and an exit code at the edge; nothing below the edge prints."""

from __future__ import annotations


class ClerkDeskError(Exception):
    """Base of every error the user is meant to read. `str(err)` is the message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthenticationFailed(ClerkDeskError):
    exit_code = 3


class WrongPassphrase(AuthenticationFailed):
    pass


class UnknownUser(AuthenticationFailed):
    pass


class TryLater(AuthenticationFailed):
    """Too many wrong passphrases: the next attempt is only accepted after a delay."""

    def __init__(self, message: str, wait_seconds: float) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class WrongRecoveryKey(AuthenticationFailed):
    pass


class WeakPassphrase(ClerkDeskError):
    exit_code = 2


class IntegrityFailure(ClerkDeskError):
    """The ledger's hash chain or projections do not match; `seq` is the first bad event."""

    exit_code = 5

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class InvalidEvent(ClerkDeskError):
    """An event that the ledger's canonical encoding cannot hold (a float, an integer beyond
    ±(2^53-1), a lone surrogate, ...): refused before anything is written. `path` names the
    offending field, e.g. `body.items[2].note`."""

    exit_code = 2

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class LedgerProblem(ClerkDeskError):
    """The file cannot be used as it is: missing, damaged, foreign, too new, unwritable."""

    exit_code = 6


class LedgerMissing(LedgerProblem):
    pass


class LedgerExists(LedgerProblem):
    pass


class NotALedger(LedgerProblem):
    pass


class LedgerDamaged(LedgerProblem):
    pass


class KeySlotDamaged(LedgerDamaged):
    """One account's key slot fails its own check: the key file was altered or the disk
    garbled it. Never a wrong passphrase, never counted toward the delay."""

    exit_code = 11


class LedgerTooNew(LedgerProblem):
    pass


class KeysMissing(LedgerProblem):
    pass


class StorageError(LedgerProblem):
    pass


class DiskFull(StorageError):
    """No space left where the ledger (or a backup) is written. The ledger is intact: the
    change that hit the full disk was rolled back, everything committed before is there."""

    exit_code = 8

    def __init__(self, message: str, free_bytes: int | None = None) -> None:
        super().__init__(message)
        self.free_bytes = free_bytes


class ReadOnlyStorage(StorageError):
    """The folder or medium does not accept writes (read-only mount, no write permission)."""

    exit_code = 9


class LedgerBusy(StorageError):
    """Another program holds the ledger's lock (another desk window, a backup tool...)."""

    exit_code = 10
