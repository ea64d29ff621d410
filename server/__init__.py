"""Renkei server package."""
