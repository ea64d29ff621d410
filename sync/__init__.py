"""Renkei sync package."""
