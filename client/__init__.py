"""Renkei client package."""
