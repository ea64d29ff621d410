"""Renkei store package."""
