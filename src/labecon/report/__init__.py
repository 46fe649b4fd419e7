"""Charts and reports from results: self-contained HTML (Plotly, offline) and PNG/SVG (Matplotlib)."""
