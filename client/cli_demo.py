"""``renkei demo``: registered like every other command group (the work is in client.demo)."""

from client.demo import register

__all__ = ["register"]
