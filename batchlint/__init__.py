"""batchlint: checks Azure Batch pool definitions against the supported-image list."""

__version__ = "0.1.0"
