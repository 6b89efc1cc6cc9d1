"""Rendering answers: one module per format (text, JSON, Markdown, HTML, CSV, SARIF, diagrams)."""
