"""The built-in rule pack. Each module holds one family of rules and registers them through
the ``batchlint`` entry point group, as an outside rule pack would."""
