"""Evidence: complaints and hand-off logs, read strictly and related to the chain."""
