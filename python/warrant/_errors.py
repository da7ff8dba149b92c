"""The exceptions of the warrant package: each carries the stable code Warrant reports."""


class WarrantError(Exception):
    """A Warrant failure. ``code`` is the stable code ("R0701", "E0201", ...) and ``message`` the
    text the CLI would print with it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RecordError(WarrantError):
    """A malformed claim record (R07xx, docs/diagnostics.md); nothing of it was decided."""


class PackError(WarrantError):
    """A pack that cannot be read (E0001) or is corrupt or unsupported (E0005)."""


class BuildError(WarrantError):
    """Criteria that do not compile: ``code`` is the first error's, ``message`` every
    diagnostic as ``warrant build`` prints them."""


def error_for(code: str, message: str) -> WarrantError:
    """The exception for an error the extension module reports (called from C++)."""
    if code.startswith("R"):
        return RecordError(code, message)
    if code in ("E0001", "E0005"):
        return PackError(code, message)
    return BuildError(code, message)
