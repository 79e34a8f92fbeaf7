"""A fake Batch service on 127.0.0.1 that serves List Supported Images, and its failures.

It plays what the real service does that the client must cope with: paging by
``odata.nextLink``, ``$filter`` and ``maxresults``, Entra ID bearer tokens and shared key
signatures (recomputed here from the documented rules, independently of batchlint's code),
``BatchError`` bodies, throttling with ``Retry-After``, and a few ways of misbehaving. Tests
set ``service.scenario`` and the other attributes, then call the client against
``service.url``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus, urlsplit

import pytest

TOKEN = "token-for-the-fake-batch-service"
ACCOUNT = "contoso"
KEY = base64.b64encode(b"the-shared-key-of-contoso-in-tests").decode()


def image(publisher, offer, sku, agent, verification="verified", os_type="linux", **extra):
    item = {
        "imageReference": {"publisher": publisher, "offer": offer, "sku": sku, "version": "latest"},
        "verificationType": verification,
        "nodeAgentSKUId": agent,
        "osType": os_type,
    }
    item.update(extra)
    return item


#: Seven entries: three pages of three, three and one.
IMAGES = [
    image("canonical", "ubuntu-24_04-lts", "server", "batch.node.ubuntu 24.04"),
    image(
        "canonical",
        "0001-com-ubuntu-server-jammy",
        "22_04-lts",
        "batch.node.ubuntu 22.04",
        capabilities=["DockerCompatible"],
    ),
    image(
        "almalinux",
        "almalinux-hpc",
        "8_7-hpc-gen2",
        "batch.node.el 8",
        "unverified",
        batchSupportEndOfLife="2027-06-30T00:00:00Z",
    ),
    image(
        "microsoftwindowsserver",
        "windowsserver",
        "2022-datacenter",
        "batch.node.windows amd64",
        os_type="windows",
    ),
    image(
        "microsoftwindowsserver",
        "windowsserver",
        "2019-datacenter",
        "batch.node.windows amd64",
        os_type="windows",
    ),
    image("microsoft-dsvm", "ubuntu-hpc", "2204", "batch.node.ubuntu 22.04"),
    image("debian", "debian-12", "12", "batch.node.debian 12", "unverified"),
]


def batch_error(code: str, message: str, **values) -> dict:
    return {
        "odata.metadata": "https://contoso.eastus.batch.azure.com/$metadata#errors/@Element",
        "code": code,
        "message": {"lang": "en-US", "value": f"{message}\nRequestId:{uuid.uuid4()}"},
        "values": [{"key": k, "value": v} for k, v in values.items()],
    }


INVALID_FILTER = batch_error(
    "InvalidQueryParameterValue",
    "Value for one of the query parameters specified in the request URI is invalid.",
    QueryParameterName="$filter",
    QueryParameterValue="osType eq linux",
    Reason="The filter value is not a valid OData expression.",
)


def expected_signature(method: str, raw_path: str, headers: dict, account: str, key: str) -> str:
    """The signature the documented rules give, computed from the request as received."""
    get = {name.lower(): value for name, value in headers.items()}
    date = "" if "ocp-date" in get else get.get("date", "")
    standard = [
        get.get("content-encoding", ""),
        get.get("content-language", ""),
        get.get("content-length", ""),
        get.get("content-md5", ""),
        get.get("content-type", ""),
        date,
        get.get("if-modified-since", ""),
        get.get("if-match", ""),
        get.get("if-none-match", ""),
        get.get("if-unmodified-since", ""),
        get.get("range", ""),
    ]
    text = method + "\n" + "\n".join(standard) + "\n"
    for name in sorted(n for n in get if n.startswith("ocp-")):
        text += name + ":" + get[name].strip() + "\n"
    path, _, query = raw_path.partition("?")
    text += "/" + account.lower() + "/" + path.lstrip("/")
    params: dict[str, list[str]] = {}
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        params.setdefault(unquote_plus(name).lower(), []).append(unquote_plus(value))
    for name in sorted(params):
        text += "\n" + name + ":" + ",".join(sorted(params[name]))
    mac = hmac.new(base64.b64decode(key), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def matches(item: dict, odata: str) -> bool:
    """The ``$filter`` subset the tests use: ``field eq 'value'`` joined by ``and``."""
    for clause in odata.split(" and "):
        name, op, value = clause.strip().split(" ", 2)
        if op != "eq" or not (value.startswith("'") and value.endswith("'")):
            raise ValueError(clause)
        if str(item.get(name)) != value[1:-1]:
            return False
    return True


class BatchService:
    """The fake service; one instance per test."""

    def __init__(self, images: list[dict] | None = None) -> None:
        self.images = list(IMAGES if images is None else images)
        self.token = TOKEN
        self.shared_key: tuple[str, str] | None = None  # (account, key) when it wants SharedKey
        #: "ok", "batch-error", "malformed", "slow", "loop", "foreign-link", "forbidden"
        self.scenario = "ok"
        self.fail_first: list[tuple[int, str | None]] = []  # (status, Retry-After) to send first
        self.always: int | None = None  # a status to send to every request
        self.delay = 0.0
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> BatchService:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- answering ---------------------------------------------------------------------

    def answer(self, method: str, raw_path: str, headers: dict) -> tuple[int, dict, bytes]:
        self.requests.append({"method": method, "path": raw_path, "headers": dict(headers)})
        reply = {"request-id": str(uuid.uuid4())}
        if headers.get("return-client-request-id") == "true":
            reply["client-request-id"] = headers.get("client-request-id", "")
        refused = self._authenticate(method, raw_path, headers)
        if refused:
            return (*refused[:1], reply, _json(refused[1]))
        if self.fail_first:
            status, retry_after = self.fail_first.pop(0)
            if retry_after is not None:
                reply["Retry-After"] = retry_after
            return status, reply, _json(batch_error("ServerBusy", "The server is busy."))
        if self.always:
            return (
                self.always,
                reply,
                _json(batch_error("ServiceUnavailable", "The service is temporarily unavailable.")),
            )
        if self.scenario == "batch-error":
            return 400, reply, _json(INVALID_FILTER)
        if self.scenario == "malformed":
            return 200, reply, b'{"value": [ {"imageReference": '
        if self.scenario == "slow":
            time.sleep(self.delay)
        return self._page(raw_path, reply)

    def _authenticate(self, method, raw_path, headers):
        given = headers.get("Authorization", "")
        if self.shared_key is not None:
            account, key = self.shared_key
            want = f"SharedKey {account}:" + expected_signature(
                method, raw_path, headers, account, key
            )
            if given != want:
                return 403, batch_error(
                    "AuthenticationFailed",
                    "Server failed to authenticate the request. Make sure the value of "
                    "Authorization header is formed correctly including the signature.",
                    AuthenticationErrorDetail="The MAC signature found in the HTTP request is "
                    "not the same as any computed signature.",
                )
            return None
        if given != f"Bearer {self.token}":
            return 401, batch_error(
                "AuthenticationFailed",
                "Server failed to authenticate the request.",
                AuthenticationErrorDetail="The access token is missing, invalid or expired.",
            )
        if self.scenario == "forbidden":
            return 403, batch_error(
                "AuthorizationFailure", "This request is not authorized to perform this operation."
            )
        return None

    def _page(self, raw_path: str, reply: dict) -> tuple[int, dict, bytes]:
        parts = urlsplit(raw_path)
        query = {}
        for pair in filter(None, parts.query.split("&")):
            name, _, value = pair.partition("=")
            query[unquote_plus(name)] = unquote_plus(value)
        if parts.path != "/supportedimages" or query.get("api-version") != "2025-06-01":
            return 404, reply, _json(batch_error("ResourceNotFound", "No such resource."))
        items = self.images
        if "$filter" in query:
            try:
                items = [i for i in items if matches(i, query["$filter"])]
            except ValueError:
                return (
                    400,
                    reply,
                    _json(
                        batch_error(
                            "InvalidQueryParameterValue",
                            "The $filter is not valid.",
                            QueryParameterName="$filter",
                        )
                    ),
                )
        size = int(query.get("maxresults") or max(1, -(-len(items) // 3)))
        start = int(query.get("$skiptoken", "0"))
        body: dict = {"value": items[start : start + size]}
        if start + size < len(items):
            token = start + size
            if self.scenario == "loop" and start > 0:
                token = start  # the second page links to itself
            rest = "&".join(f"{k}={v}" for k, v in parts_of(parts.query) if k != "$skiptoken")
            link = f"{self.url}/supportedimages?{rest}&$skiptoken={token}"
            if self.scenario == "foreign-link":
                link = link.replace("127.0.0.1", "localhost")
            body["odata.nextLink"] = link
        return 200, reply, _json(body)


def parts_of(query: str) -> list[tuple[str, str]]:
    return [tuple(pair.partition("=")[::2]) for pair in filter(None, query.split("&"))]


def _json(doc) -> bytes:
    return json.dumps(doc).encode()


def _handler(service: BatchService):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            status, headers, body = service.answer("GET", self.path, dict(self.headers.items()))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;odata=minimalmetadata")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the slow scenario)

        def log_message(self, *args):  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def batch_service():
    """A running fake Batch service, stopped after the test."""
    with BatchService() as service:
        yield service


@pytest.fixture
def restore_logging():
    """Put the ``batchlint`` logger back after a test that ran the command in this process.

    The command points the logger at the ``sys.stderr`` of the moment, which is the capture of
    one test; later tests would otherwise log into a closed stream.
    """
    logger = logging.getLogger("batchlint")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)
