"""Answers from results: metrics, comparison on common random numbers, sensitivity, optimisation."""
