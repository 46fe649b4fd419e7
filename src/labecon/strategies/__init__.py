"""Strategies as data: each turns a strategy spec and the draws into a model policy."""

from labecon.strategies.fleet import fleet_policy
from labecon.strategies.lab import RuleBasedLabs, lab_policy

__all__ = ["RuleBasedLabs", "fleet_policy", "lab_policy"]
