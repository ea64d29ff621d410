"""Exception root for the intel package."""


class IntelError(Exception):
    """Root of every error raised by ``intel``; the message is fit to show a user."""


class LabelError(IntelError, ValueError):
    """A label is malformed, unknown to the policy, or a labelling rule refuses an action."""


class PolicyError(IntelError, ValueError):
    """A markings policy file is malformed."""


class FormatError(IntelError, ValueError):
    """An input document (STIX, KEV, incident report) is invalid.

    ``problems`` lists every problem found, each a short sentence.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems or [message])
