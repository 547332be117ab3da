"""The one exception hierarchy. The CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations

# Exit codes of the command-line contract (sysexits.h numbering).
EXIT_USAGE = 64
EXIT_DATA = 65
EXIT_INTERNAL = 70


class LighthouseError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = EXIT_INTERNAL


class UsageError(LighthouseError):
    """The caller asked for something malformed: bad flags, filters or arguments."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A configuration file or variable is wrong; the message names the key and the source."""


class HomeNotFoundError(UsageError):
    """No `.lighthouse/` project home was found."""


class DataError(LighthouseError):
    """Input data is malformed: a payload, a cursor, a backup file, a JSON line."""

    exit_code = EXIT_DATA


class StoreError(LighthouseError):
    """The event store cannot do what was asked (locked, unreadable, wrong key)."""


class WrongKey(StoreError):
    """The store was chained with another secret key than this project's."""

    exit_code = EXIT_DATA


class KeyFileError(StoreError):
    """The project's key file is missing, readable by others, or not the file `lighthouse init` writes: a person
    fixes it."""

    exit_code = EXIT_USAGE


class StoreLocked(StoreError):
    """Another process holds the store's write lock for longer than the caller would wait."""


class StoreMissing(StoreError):
    """The event store is gone, or behind its anchor (cut back, an older copy, another store): the audit log is not
    the one this project had. Nothing re-creates it silently; a person starts a new chain (`lighthouse store
    reset`)."""


class ChainBroken(StoreError):
    """The hash chain does not verify; the message names the first bad event."""

    exit_code = EXIT_DATA
