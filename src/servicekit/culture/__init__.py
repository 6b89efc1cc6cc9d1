"""The culture layer: principles mapped to roles, scenario guides, the audit and the report."""
