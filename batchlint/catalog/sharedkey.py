"""The Batch shared key signature: ``Authorization: SharedKey account:signature``.

The string to sign is the one the Batch service documents ("Authenticate requests to the Azure
Batch service"): the verb, eleven standard header values in a fixed order, the ``ocp-*``
headers, then the account, the path and the query parameters. It is signed with HMAC-SHA256
under the base64-decoded account key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

ACCOUNT_VARIABLE = "AZURE_BATCH_ACCOUNT"
KEY_VARIABLE = "AZURE_BATCH_ACCESS_KEY"

#: The standard headers whose values (never names) open the string to sign, in this order.
STANDARD_HEADERS = (
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
    "date",
    "if-modified-since",
    "if-match",
    "if-none-match",
    "if-unmodified-since",
    "range",
)


class SharedKeyError(ValueError):
    """An account key that cannot be used (not base64, or missing)."""


@dataclass(frozen=True)
class SharedKey:
    """A Batch account name and its access key; the key never shows in ``repr``."""

    account: str
    key: str = field(repr=False)

    def __post_init__(self) -> None:
        try:
            secret = base64.b64decode(self.key, validate=True)
        except (binascii.Error, ValueError):
            raise SharedKeyError(
                f"the access key of Batch account {self.account!r} is not base64 text "
                f"(check {KEY_VARIABLE})"
            ) from None
        if not secret:
            raise SharedKeyError(f"the access key of Batch account {self.account!r} is empty")

    def authorization(self, method: str, url: str, headers: Mapping[str, str]) -> str:
        """The ``Authorization`` header value for a request with these headers."""
        return f"SharedKey {self.account}:{self.signature(method, url, headers)}"

    def signature(self, method: str, url: str, headers: Mapping[str, str]) -> str:
        message = string_to_sign(method, url, headers, self.account)
        digest = hmac.new(base64.b64decode(self.key), message.encode("utf-8"), hashlib.sha256)
        return base64.b64encode(digest.digest()).decode("ascii")


def from_environment(environ: Mapping[str, str] | None = None) -> SharedKey | None:
    """The shared key from ``AZURE_BATCH_ACCOUNT`` and ``AZURE_BATCH_ACCESS_KEY``, if both set."""
    environ = os.environ if environ is None else environ
    account = environ.get(ACCOUNT_VARIABLE, "").strip()
    key = environ.get(KEY_VARIABLE, "").strip()
    if not account or not key:
        return None
    return SharedKey(account, key)


def string_to_sign(method: str, url: str, headers: Mapping[str, str], account: str) -> str:
    """The text that the signature covers, for one request."""
    lowered = {name.lower(): str(value) for name, value in headers.items()}
    values = []
    for name in STANDARD_HEADERS:
        value = lowered.get(name, "")
        if name == "date" and "ocp-date" in lowered:
            value = ""  # ocp-date wins, and the documented form then signs an empty Date
        values.append(value + "\n")
    return method.upper() + "\n" + "".join(values) + _headers(lowered) + _resource(url, account)


def _headers(lowered: Mapping[str, str]) -> str:
    lines = []
    for name in sorted(n for n in lowered if n.startswith("ocp-")):
        value = lowered[name].replace("\r", " ").replace("\n", " ").strip()
        lines.append(f"{name}:{value}\n")
    return "".join(lines)


def _resource(url: str, account: str) -> str:
    parts = urlsplit(url)
    text = f"/{account.lower()}/{parts.path.lstrip('/')}"
    grouped: dict[str, list[str]] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        grouped.setdefault(name.lower(), []).append(value)
    for name in sorted(grouped):
        text += f"\n{name}:{','.join(sorted(grouped[name]))}"
    return text
