"""The live list of a Batch account: List Supported Images over REST, and the catalog source.

``GET {endpoint}/supportedimages?api-version=2025-06-01`` pages through the account's list by
``odata.nextLink``. Requests carry an Entra ID token (azure-identity) or the account's shared
key. Busy answers (429, 500, 503, 504) and dropped connections are retried a bounded number
of times within a time budget; every other failure ends the fetch with a ``LiveError`` that
says what went wrong and what to check. Tokens and keys never reach a message or a log.

``requests``, ``azure.identity`` and the mail and uuid modules are imported inside the
functions that use them: this module is imported at start-up by the catalog plugin, and
start-up must stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urljoin, urlsplit

from batchlint import __version__
from batchlint.catalog import Catalog, CatalogError
from batchlint.catalog.sharedkey import KEY_VARIABLE, SharedKey, SharedKeyError, from_environment
from batchlint.log import get as get_logger
from batchlint.options import UsageError

log = get_logger(__name__)

API_VERSION = "2025-06-01"
#: The Entra ID scope of the Batch data plane in the public cloud. Sovereign clouds use other
#: audiences; a client for one of them needs ``scope=`` set by the caller.
SCOPE = "https://batch.core.windows.net//.default"
RETRY_STATUSES = frozenset({429, 500, 503, 504})
AUTH_MODES = ("auto", "entra", "shared-key")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LiveError(CatalogError):
    """The live list could not be fetched; the run ends with exit status 3."""

    exit_code = 3


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per request, waits between them, and a budget for a fetch."""

    attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 16.0
    max_retry_after: float = 60.0
    budget: float = 120.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0


@dataclass(frozen=True)
class FetchResult:
    """One complete List Supported Images result, as the service gave it."""

    endpoint: str
    items: list[dict]
    pages: int
    fetched_at: str
    filter: str | None = None
    request_ids: tuple[str, ...] = ()


def normalize_endpoint(text: str | None) -> str:
    """The account endpoint as ``https://host[:port]``; ``UsageError`` when it is not one."""
    if not text or not text.strip():
        raise UsageError(
            "--live needs --endpoint URL, the account's Batch endpoint "
            "(e.g. https://contoso.eastus.batch.azure.com)"
        )
    raw = text.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint {text!r} is not an http(s) URL of a Batch account")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise UsageError(
            f"--endpoint {text!r}: give only the account endpoint, without credentials, "
            "query or fragment"
        )
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        # A token or signed request sent in clear text could be read on the way.
        raise UsageError(f"--endpoint {text!r}: use https (http is allowed only for localhost)")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def region_from_endpoint(endpoint: str) -> str | None:
    """The region in ``https://ACCOUNT.REGION.batch.azure.com`` (and sovereign clouds)."""
    labels = (urlsplit(endpoint).hostname or "").split(".")
    if len(labels) >= 4 and labels[2] == "batch":
        return labels[1]
    return None


class SupportedImagesClient:
    """A client for one account's List Supported Images operation."""

    def __init__(
        self,
        endpoint: str,
        *,
        credential=None,
        shared_key: SharedKey | None = None,
        retry: RetryPolicy | None = None,
        scope: str = SCOPE,
        max_pages: int = 1000,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoint = normalize_endpoint(endpoint)
        self.credential = credential
        self.shared_key = shared_key
        self.retry = retry or RetryPolicy()
        self.scope = scope
        self.max_pages = max_pages
        self._sleep = sleep
        self._clock = clock
        self._secrets: set[str] = {shared_key.key} if shared_key else set()

    @property
    def where(self) -> str:
        return f"{self.endpoint}/supportedimages"

    def list_supported_images(
        self,
        *,
        filter: str | None = None,
        max_results: int | None = None,
        timeout: int | None = None,
    ) -> FetchResult:
        """Every page of the list; ``LiveError`` with the reason when it cannot be had."""
        import requests

        params = {"api-version": API_VERSION}
        if max_results is not None:
            if not 1 <= max_results <= 1000:
                raise UsageError(f"maxresults must be from 1 to 1000, not {max_results}")
            params["maxresults"] = str(max_results)
        if filter:
            params["$filter"] = filter
        if timeout is not None:
            params["timeOut"] = str(timeout)
        url = f"{self.where}?{urlencode(params, safe='$', quote_via=quote)}"

        fetched_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        deadline = self._clock() + self.retry.budget
        items: list[dict] = []
        request_ids: list[str] = []
        seen = {url}
        pages = 0
        with requests.Session() as session:
            while True:
                doc, request_id = self._get_page(session, url, deadline)
                pages += 1
                request_ids.append(request_id)
                items.extend(self._page_items(doc, pages, request_id))
                link = doc.get("odata.nextLink") or doc.get("@odata.nextLink")
                if not link:
                    break
                url = self._next_url(url, link, seen, pages)
        log.info("%s: %d images in %d pages", self.where, len(items), pages)
        return FetchResult(
            endpoint=self.endpoint,
            items=items,
            pages=pages,
            fetched_at=fetched_at.isoformat().replace("+00:00", "Z"),
            filter=filter or None,
            request_ids=tuple(request_ids),
        )

    # -- one page, with retries -----------------------------------------------------------

    def _get_page(self, session, url: str, deadline: float) -> tuple[dict, str]:
        import uuid

        import requests

        attempt = 0
        started = self._clock()
        while True:
            attempt += 1
            client_id = str(uuid.uuid4())
            headers = self._headers(url, client_id)
            log.debug("GET %s (attempt %d, client request id %s)", url, attempt, client_id)
            try:
                response = session.get(
                    url,
                    headers=headers,
                    timeout=(self.retry.connect_timeout, self.retry.read_timeout),
                    allow_redirects=False,
                )
            except requests.exceptions.Timeout as exc:
                kind = "connect" if isinstance(exc, requests.exceptions.ConnectTimeout) else "read"
                problem = (
                    f"{self.where}: no answer within the {kind} timeout of "
                    f"{getattr(self.retry, kind + '_timeout'):g} s"
                )
                wait = self._backoff(attempt)
            except requests.exceptions.RequestException as exc:
                problem = f"{self.where}: cannot connect: {_reason(exc)}"
                wait = self._backoff(attempt)
            else:
                request_id = response.headers.get("request-id") or client_id
                if response.status_code in RETRY_STATUSES:
                    problem = self._http_error(response, client_id)
                    asked = self._retry_after(response)
                    wait = asked if asked is not None else self._backoff(attempt)
                elif 200 <= response.status_code < 300:
                    return self._json(response, client_id), request_id
                else:
                    raise LiveError(self._redact(self._http_error(response, client_id)))

            spent = self._clock() - started
            if attempt >= self.retry.attempts:
                raise LiveError(
                    self._redact(f"{problem} (gave up after {attempt} attempts in {spent:.1f} s)")
                )
            if self._clock() + wait > deadline:
                raise LiveError(
                    self._redact(
                        f"{problem} (gave up after {attempt} attempts: waiting {wait:g} s more "
                        f"would pass the time budget of {self.retry.budget:g} s)"
                    )
                )
            log.info("%s; retrying in %.2f s", problem, wait)
            self._sleep(wait)

    def _headers(self, url: str, client_id: str) -> dict[str, str]:
        import email.utils

        headers = {
            "Accept": "application/json",
            "User-Agent": f"batchlint/{__version__}",
            "client-request-id": client_id,
            "return-client-request-id": "true",
            "ocp-date": email.utils.formatdate(usegmt=True),
        }
        if self.shared_key is not None:
            headers["Authorization"] = self.shared_key.authorization("GET", url, headers)
        else:
            headers["Authorization"] = f"Bearer {self._token()}"
        return headers

    def _token(self) -> str:
        if self.credential is None:
            from azure.identity import DefaultAzureCredential

            self.credential = DefaultAzureCredential()
        try:
            token = self.credential.get_token(self.scope).token
        except Exception as exc:  # any credential type may fail in its own way
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            first = first.rstrip(". ")
            raise LiveError(
                self._redact(
                    f"could not get an Entra ID token for {self.scope}: {first}. Sign in with "
                    "`az login`, set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET, "
                    "use a managed or workload identity, or set AZURE_BATCH_ACCOUNT and "
                    f"{KEY_VARIABLE} to use the account's shared key"
                )
            ) from None
        self._secrets.add(token)
        return token

    def _retry_after(self, response) -> float | None:
        import email.utils

        text = (response.headers.get("Retry-After") or "").strip()
        if not text:
            return None
        try:
            seconds = float(text)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError):
                return None
            seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
        return min(max(seconds, 0.0), self.retry.max_retry_after)

    def _backoff(self, attempt: int) -> float:
        base = min(self.retry.backoff * 2 ** (attempt - 1), self.retry.max_backoff)
        # A little jitter keeps many CI jobs that failed together from retrying together.
        return base * random.uniform(0.8, 1.0)

    # -- reading answers ------------------------------------------------------------------

    def _json(self, response, client_id: str) -> dict:
        try:
            doc = json.loads(response.content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise LiveError(
                f"{self.where}: the answer is not UTF-8 text{_ids(response, client_id)}"
            ) from None
        except json.JSONDecodeError as exc:
            raise LiveError(
                f"{self.where}: the answer is not valid JSON ({exc.msg} at line {exc.lineno} "
                f"column {exc.colno}){_ids(response, client_id)}"
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
            raise LiveError(
                f"{self.where}: the answer is not a List Supported Images result "
                f"(no 'value' list){_ids(response, client_id)}"
            )
        return doc

    def _page_items(self, doc: dict, page: int, request_id: str) -> list[dict]:
        for index, item in enumerate(doc["value"]):
            if not isinstance(item, dict):
                raise LiveError(
                    f"{self.where}: page {page}, entry {index + 1} is not an object "
                    f"(request id {request_id})"
                )
        return doc["value"]

    def _next_url(self, current: str, link: str, seen: set[str], pages: int) -> str:
        url = urljoin(current, str(link))
        here, there = urlsplit(self.endpoint), urlsplit(url)
        if (there.scheme, there.netloc) != (here.scheme, here.netloc):
            # The credential is for this account only; it is never sent anywhere else.
            raise LiveError(
                f"{self.where}: page {pages} links to another host ({there.netloc}); "
                "the list was not followed there"
            )
        if url in seen:
            raise LiveError(
                f"{self.where}: page {pages} links back to a page already read ({url}); "
                "the service's paging loops, so the list may be incomplete and is not used"
            )
        if pages >= self.max_pages:
            raise LiveError(f"{self.where}: more than {self.max_pages} pages; stopped")
        seen.add(url)
        return url

    def _http_error(self, response, client_id: str) -> str:
        status = response.status_code
        text = f"{self.where}: HTTP {status} {response.reason or ''}".rstrip()
        code, message, values = _batch_error(response)
        if code or message:
            text += f": {code or 'error'}"
            if message:
                text += f": {message}"
        if values:
            text += " (" + "; ".join(values) + ")"
        text += _ids(response, client_id)
        if 300 <= status < 400:
            text += (
                f"; the endpoint redirects to {response.headers.get('Location', '?')}: give "
                "the account's own Batch endpoint (https://ACCOUNT.REGION.batch.azure.com)"
            )
        elif status in (401, 403):
            text += "; " + self._hint(status, code)
        return text

    def _hint(self, status: int, code: str | None) -> str:
        """What to check when the service refuses the request."""
        if self.shared_key is not None and (status == 401 or code == "AuthenticationFailed"):
            return (
                f"check that AZURE_BATCH_ACCOUNT ({self.shared_key.account}) is the account "
                f"of this endpoint, that {KEY_VARIABLE} is one of its current keys, and that "
                "this machine's clock is right"
            )
        if status == 401 or code == "AuthenticationFailed":
            return (
                f"check that the token is for the Batch scope {self.scope} (an Azure Resource "
                "Manager token is refused), that the identity is in the account's tenant, and "
                "that --endpoint is the account's Batch endpoint"
            )
        return (
            "the service knows who is asking but refuses: check that the identity has a role "
            "on the Batch account that allows reading it (for example Contributor), that the "
            "account's allowed authentication modes include this one, and that the account's "
            "network rules let this machine in"
        )

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


def _batch_error(response) -> tuple[str | None, str | None, list[str]]:
    """``code``, ``message.value`` and ``values`` of a ``BatchError`` body, when there is one."""
    try:
        body = json.loads(response.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, None, []
    if isinstance(body, dict) and isinstance(body.get("odata.error"), dict):
        body = body["odata.error"]
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if not isinstance(body, dict):
        return None, None, []
    code = body.get("code") if isinstance(body.get("code"), str) else None
    message = body.get("message")
    if isinstance(message, dict):
        message = message.get("value")
    message = " ".join(str(message).split()) if message else None
    values = []
    for item in body.get("values") or ():
        if isinstance(item, dict) and item.get("key"):
            values.append(f"{item['key']}: {' '.join(str(item.get('value', '')).split())}")
    return code, message, values


def _ids(response, client_id: str) -> str:
    request_id = response.headers.get("request-id")
    if request_id:
        return f" [request id {request_id}, client request id {client_id}]"
    return f" [client request id {client_id}]"


def _reason(exc: Exception) -> str:
    """The root cause of a connection failure, without the layers of wrapping."""
    text = str(exc)
    found = re.findall(r"\[Errno -?\d+\] [^'\")]+", text)
    if found:
        return found[-1].strip()
    return text.splitlines()[0] if text else type(exc).__name__


def client_for(endpoint: str, *, auth: str = "auto", credential=None, **settings):
    """A client with the authentication asked for.

    ``auto`` uses the shared key when ``AZURE_BATCH_ACCOUNT`` and ``AZURE_BATCH_ACCESS_KEY``
    are both set, else Entra ID through ``DefaultAzureCredential`` (environment, workload
    identity, managed identity, Azure CLI sign-in). A ``credential`` given here always wins.
    """
    if auth not in AUTH_MODES:
        raise UsageError(f"unknown authentication {auth!r} (use {', '.join(AUTH_MODES)})")
    shared_key = None
    if credential is None and auth in ("auto", "shared-key"):
        # Missing or unusable settings are configuration (exit 2), not a list that could not
        # be fetched (exit 3), and no fallback hides them.
        try:
            shared_key = from_environment()
        except SharedKeyError as exc:
            raise CatalogError(str(exc)) from None
        if shared_key is None and auth == "shared-key":
            raise CatalogError(
                "shared key authentication needs AZURE_BATCH_ACCOUNT and "
                f"{KEY_VARIABLE} in the environment"
            )
    return SupportedImagesClient(endpoint, credential=credential, shared_key=shared_key, **settings)


def snapshot_document(result: FetchResult, *, region: str | None = None) -> dict:
    """A batchlint snapshot of a fetched list, validated against the shipped schema."""
    from batchlint.catalog import schema
    from batchlint.catalog.snapshot import SNAPSHOT_FORMAT

    region = region or region_from_endpoint(result.endpoint)
    description = f"List Supported Images of {result.endpoint}"
    if result.filter:
        description += f" with $filter {result.filter}"
    doc = {
        "format": SNAPSHOT_FORMAT,
        "format_version": 1,
        "source": {
            "kind": "live",
            "description": description,
            "endpoint": result.endpoint,
            "region": region,
            "api_version": API_VERSION,
            "filter": result.filter,
            "fetched_at": result.fetched_at,
            "tool_version": __version__,
        },
        "count": len(result.items),
        "hash": schema.entries_hash(result.items),
        "entries": result.items,
    }
    try:
        schema.validate_snapshot(doc, result.endpoint)
    except CatalogError as exc:
        raise LiveError(f"the list from the service does not fit a snapshot: {exc}") from None
    return doc


@dataclass
class LiveSource:
    """The catalog source ``live``: the account's list, from the user cache while fresh."""

    name: str = "live"
    credential: object = None
    auth: str = "auto"
    retry: RetryPolicy | None = None
    settings: dict = field(default_factory=dict)

    def load(self, options) -> Catalog:
        from batchlint.catalog.cache import ListCache

        endpoint = normalize_endpoint(options.endpoint)
        cache = ListCache()
        if not options.refresh:
            doc = cache.get(endpoint, ttl_hours=options.cache_ttl_hours)
            if doc is not None:
                try:
                    return catalog_from_document(doc, endpoint, cached=True)
                except LiveError as exc:
                    log.info("cache: ignoring the cached list of %s: %s", endpoint, exc)
        client = client_for(
            endpoint, auth=self.auth, credential=self.credential, retry=self.retry, **self.settings
        )
        doc = snapshot_document(client.list_supported_images())
        cache.put(endpoint, doc)
        return catalog_from_document(doc, endpoint)


def catalog_from_document(doc: dict, endpoint: str, *, cached: bool = False) -> Catalog:
    """The live catalog for a fetched (or cached) snapshot document of ``endpoint``."""
    from batchlint.catalog.lifecycle import bundled
    from batchlint.catalog.snapshot import from_document

    try:
        catalog = from_document(doc, endpoint, bundled(), kind="live")
    except CatalogError as exc:
        raise LiveError(str(exc)) from None
    catalog.info = catalog.info._replace(cached=cached)
    return catalog
