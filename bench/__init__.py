"""Renkei bench package."""
