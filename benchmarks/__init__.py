"""Speed benchmarks of labecon against plain-NumPy transcriptions of B1."""
