"""The settings of one lint run, merged from defaults, configuration and the command line."""

from __future__ import annotations

import datetime as dt

#: Sizes above this (1 TiB) are no limit in practice, and are held to it so that a read of
#: "the limit plus one byte" stays within what the operating system accepts.
MAX_SIZE = 1024**4


class UsageError(Exception):
    """Bad usage or configuration: reported in one line, exit status 2."""

    exit_code = 2


class LintOptions:
    """The settings of a run; ``LintOptions(jobs=1, live=True)`` changes the named ones."""

    def __init__(self, **settings) -> None:
        self.paths: list[str] = []
        #: ``paths`` are the files a change touched (pre-commit, a pull request): they are judged
        #: like files found in a folder walk, and the files that use them are linted too.
        self.changed_files: bool = False
        #: (format, output file or None for standard output), in the order given.
        self.outputs: list[tuple[str, str | None]] = []
        self.fail_on: str = "error"
        self.as_of: dt.date | None = None
        self.eol_warning_days: int = 180
        self.images: str | None = None
        self.parameter_files: list[str] = []
        self.var_files: list[str] = []
        self.variables: dict[str, str] = {}
        self.exclude: list[str] = []
        self.jobs: int | None = None
        self.max_file_size: int = 4 * 1024 * 1024
        self.color: bool | None = None
        self.verbose: int = 0
        # catalog
        self.live: bool = False
        self.endpoint: str | None = None
        self.refresh: bool = False
        self.fallback: str | None = None
        self.cache_ttl_hours: float = 24.0
        self.snapshot_max_age_days: int = 90
        self.region_snapshots: dict[str, str] = {}
        # configuration, suppressions, baseline
        self.config_file: str | None = None
        self.baseline: str | None = None
        self.report_unused_suppressions: bool = False
        #: Per rule (by name or id): {"enabled": bool, "severity": "error|warning|info"}.
        self.rules: dict[str, dict] = {}
        #: Central suppressions from configuration.
        self.suppressions: list[dict] = []
        #: Where each setting came from, for messages ("cli", a config file path).
        self.sources: dict[str, str] = {}
        for name, value in settings.items():
            if name not in vars(self):
                raise TypeError(f"LintOptions has no setting {name!r}")
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"LintOptions({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"
