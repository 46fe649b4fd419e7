"""The quarterly simulation: small pure functions over arrays shaped (sample, ...).

The order of a quarter is stated once, in :mod:`labecon.model.step`.
"""
