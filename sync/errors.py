"""Exception root for the sync package."""


class SyncError(Exception):
    """Root of every error raised by ``sync``; the message is fit to show a user."""

