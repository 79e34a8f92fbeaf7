"""Rules about suppressions themselves: ones that cannot be used and ones that match nothing.

Their findings are made after the other rules, where suppressions are applied
(``batchlint.aftercheck``), so ``check`` has nothing to do here. Inline suppressions do not
apply to them; the configuration's ``rules`` can turn them off or change their severity.
"""

from __future__ import annotations

from batchlint.hookspecs import hookimpl
from batchlint.model import Severity
from batchlint.rule import Rule


class SuppressionInvalid(Rule):
    id = "BL401"
    name = "suppression-invalid"
    severity = Severity.ERROR
    summary = (
        "A suppression gives no reason, names an unknown rule or has a bad date, "
        "so it suppresses nothing."
    )


class SuppressionUnused(Rule):
    id = "BL402"
    name = "suppression-unused"
    severity = Severity.WARNING
    summary = "A suppression matches no finding (reported with --report-unused-suppressions)."


@hookimpl
def batchlint_rules():
    return [SuppressionInvalid, SuppressionUnused]
