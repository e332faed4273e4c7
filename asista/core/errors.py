class DomainError(Exception):
    """A rule of the product refused an action; the message says why, for the person who tried."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class PermissionRefused(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="forbidden")


class TransitionRefused(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")
