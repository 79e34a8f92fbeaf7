"""Configuration: defaults, then the configuration file, then the command line."""

from __future__ import annotations

from batchlint.options import LintOptions


def apply(opts: LintOptions, explicit: dict, *, no_config: bool = False) -> None:
    """Fill ``opts`` from the configuration file (unless ``no_config``) and ``explicit``.

    ``explicit`` holds the options given on the command line; they win over the file.
    """
    for name, value in explicit.items():
        setattr(opts, name, value)
        opts.sources[name] = "command line"
