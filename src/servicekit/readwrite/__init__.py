"""YAML in and out: events with positions, the reader, the writer and atomic saving."""
