"""The one domain error type. Services raise it; views and the API turn it into 400/409."""


class DomainError(Exception):
    """A refused action, carrying a message a person can read.

    `code` distinguishes a conflict with the current state ("conflict": HTTP 409, e.g. the
    application was already decided by someone else) from invalid input ("invalid": HTTP 400).
    """

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    @property
    def status_code(self) -> int:
        return 409 if self.code == "conflict" else 400


def refuse_problems(problems: list[str], field: str | None = None) -> None:
    """Raise the rules' reasons as one invalid-input error (no-op when there are none)."""
    if problems:
        raise DomainError(" ".join(str(p) for p in problems), code="invalid", field=field)
