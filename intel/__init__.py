"""Renkei intel package."""
