"""The domain model: entities, the one table of sections and fields, and whole-model checks."""
