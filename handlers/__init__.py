"""Slack listeners and HTTP routes, one module per surface; surfaces.register adds them all."""

from handlers.surfaces import register

__all__ = ["register"]
