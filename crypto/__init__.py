"""Renkei crypto package."""
