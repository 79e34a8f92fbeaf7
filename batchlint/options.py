"""The settings of one lint run, merged from defaults, configuration and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class UsageError(Exception):
    """Bad usage or configuration: reported in one line, exit status 2."""

    exit_code = 2


@dataclass
class LintOptions:
    paths: list[str] = field(default_factory=list)
    #: ``paths`` are the files a change touched (pre-commit, a pull request): they are judged
    #: like files found in a folder walk, and the files that use them are linted too.
    changed_files: bool = False
    #: (format, output file or None for standard output), in the order given.
    outputs: list[tuple[str, str | None]] = field(default_factory=list)
    fail_on: str = "error"
    as_of: dt.date | None = None
    eol_warning_days: int = 180
    images: str | None = None
    parameter_files: list[str] = field(default_factory=list)
    var_files: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    jobs: int | None = None
    max_file_size: int = 4 * 1024 * 1024
    color: bool | None = None
    verbose: int = 0
    # catalog
    live: bool = False
    endpoint: str | None = None
    refresh: bool = False
    fallback: str | None = None
    cache_ttl_hours: float = 24.0
    snapshot_max_age_days: int = 90
    region_snapshots: dict[str, str] = field(default_factory=dict)
    # configuration, suppressions, baseline
    config_file: str | None = None
    baseline: str | None = None
    report_unused_suppressions: bool = False
    #: Per rule (by name or id): {"enabled": bool, "severity": "error|warning|info"}.
    rules: dict[str, dict] = field(default_factory=dict)
    #: Central suppressions from configuration.
    suppressions: list[dict] = field(default_factory=list)
    #: Where each setting came from, for messages ("cli", a config file path).
    sources: dict[str, str] = field(default_factory=dict)
