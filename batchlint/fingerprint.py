"""Stable identities for findings, for SARIF results and baselines.

A fingerprint is built from the file, the pool, the rule and the values the finding is about,
never from the line, so that adding lines above a pool keeps its findings' identities. The path
is the one reports show (relative to the folder batchlint ran in), so a run from another folder
gives other fingerprints.
"""

from __future__ import annotations

import hashlib
import re

from batchlint.model import Finding

#: Bumped when the recipe changes, so old baselines are not matched by accident.
VERSION = 1

# ``Pool.label`` of a pool without a name is "pool at FILE:LINE:COL"; the line in it would make
# the fingerprint move with edits above the pool, so such labels count as no name.
_UNNAMED = re.compile(r"^pool at .+:\d+:\d+$")


def fingerprint(finding: Finding) -> str:
    """The sha256 hex digest that identifies ``finding`` across runs and edits above it.

    When a rule gives no ``subject``, the message stands in for it, so the fingerprint of such
    a finding changes when its message does.
    """
    pool = finding.pool or ""
    if _UNNAMED.match(pool):
        pool = ""
    facts = finding.subject or (finding.message,)
    parts = [f"v{VERSION}", _path(finding.location.file), pool, finding.rule_id, *facts]
    # A separator that cannot appear in the parts keeps ("a", "bc") apart from ("ab", "c").
    data = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _path(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path
