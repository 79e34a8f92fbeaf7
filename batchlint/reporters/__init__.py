"""Built-in reporters, registered through the ``batchlint`` entry point group.

Each reporter module is imported only when its format is asked for.
"""

from __future__ import annotations

import importlib

from batchlint.hookspecs import hookimpl

_BUILTIN = {
    "text": "batchlint.reporters.text:TextReporter",
    "json": "batchlint.reporters.json:JsonReporter",
    "sarif": "batchlint.reporters.sarif:SarifReporter",
    "junit": "batchlint.reporters.junit:JunitReporter",
    "github": "batchlint.reporters.github:GithubReporter",
}


class _Lazy:
    """A reporter class named by ``module:Class``, imported on first use."""

    def __init__(self, name: str, target: str) -> None:
        self.name = name
        self.target = target

    def resolve(self):
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)

    @property
    def streams(self) -> bool:
        return getattr(self.resolve(), "streams", False)

    @property
    def needs_pools(self) -> bool | str:
        return getattr(self.resolve(), "needs_pools", False)


@hookimpl
def batchlint_reporters():
    return [_Lazy(name, target) for name, target in _BUILTIN.items()]
