"""Subcommands of ``batchlint`` other than lint."""
