"""Running a scenario: chunking, the local backend, summaries and results. No model logic."""
