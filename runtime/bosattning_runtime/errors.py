"""Error types every Bosättning service shares."""

from __future__ import annotations


class DomainError(Exception):
    """A broken domain rule; each service subclasses this as its one domain error.

    The entry point maps it to a typed error result (code, message, field).
    """

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r})"


class InputRejected(DomainError):
    """Input over an explicit limit, or free text carrying personal data."""


class AuthenticationError(Exception):
    """A bearer token is missing, malformed or not to be trusted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
