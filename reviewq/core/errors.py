"""Domain errors. Each HTTP/CLI/Slack boundary maps them to its own answer."""


class ReviewqError(Exception):
    """Base of every expected, user-facing refusal."""

    status = 400
    # True when the refusal is itself a result to keep (the request still commits its changes).
    keeps_changes = False

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationError(ReviewqError):
    """Input is malformed; `fields` maps field names to messages."""

    status = 422

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, fields=fields or {})
        self.fields = fields or {}


class PermissionDeniedError(ReviewqError):
    status = 403


class NotFoundError(ReviewqError):
    status = 404


class InvalidTransitionError(ReviewqError):
    """The action is not allowed in the draft's current state."""

    status = 409


class StaleRevisionError(ReviewqError):
    """The actor saw an older revision than the current one."""

    status = 409


class ConflictError(ReviewqError):
    """Someone else acted first (lost race)."""

    status = 409


class BlockingFindingsError(ReviewqError):
    """Submission refused: block findings, or warn findings without justification.

    The findings the check stored on the revision are kept, so the author
    sees them on the draft's page whichever interface refused the submission.
    """

    status = 422
    keeps_changes = True

    def __init__(self, message: str, findings: list[dict], missing_justifications: list[str] = ()):
        super().__init__(message, findings=findings, missing_justifications=list(missing_justifications))
        self.findings = findings
        self.missing_justifications = list(missing_justifications)


class TooLargeError(ReviewqError):
    status = 413
