"""Strategies as data: each turns a strategy spec and the draws into a model policy."""

from labecon.strategies.fleet import fleet_policy

__all__ = ["fleet_policy"]
