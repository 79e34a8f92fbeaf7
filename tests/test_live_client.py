"""The List Supported Images client against the fake Batch service on 127.0.0.1."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import unquote

import pytest

from batchlint.catalog.live import SCOPE, LiveError, RetryPolicy, SupportedImagesClient

from batch_service import IMAGES, TOKEN

FAST = RetryPolicy(
    attempts=4,
    backoff=0.01,
    max_backoff=0.05,
    max_retry_after=0.2,
    budget=5.0,
    connect_timeout=2.0,
    read_timeout=2.0,
)


class FixedToken:
    """A credential with the azure-identity interface: ``get_token(*scopes)``."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes, **kwargs):
        self.scopes.append(scopes)
        return type("AccessToken", (), {"token": self.token, "expires_on": 2**31})()


class FailingCredential:
    def get_token(self, *scopes, **kwargs):
        raise RuntimeError("DefaultAzureCredential failed to retrieve a token\nmore detail")


def client(service, credential=None, retry=FAST, **kwargs) -> SupportedImagesClient:
    return SupportedImagesClient(
        service.url, credential=credential or FixedToken(), retry=retry, **kwargs
    )


def test_three_pages_linked_by_next_link_give_every_image(batch_service):
    result = client(batch_service).list_supported_images()

    assert result.items == IMAGES
    assert result.pages == 3
    assert len(batch_service.requests) == 3
    assert "$skiptoken=3" in batch_service.requests[1]["path"]


def test_request_asks_for_api_version_2025_06_01(batch_service):
    client(batch_service).list_supported_images()

    assert batch_service.requests[0]["path"] == "/supportedimages?api-version=2025-06-01"


def test_filter_is_sent_and_honoured(batch_service):
    result = client(batch_service).list_supported_images(filter="verificationType eq 'verified'")

    assert [i["verificationType"] for i in result.items] == ["verified"] * 5
    assert "$filter=verificationType eq 'verified'" in unquote(batch_service.requests[0]["path"])
    assert result.filter == "verificationType eq 'verified'"


def test_maxresults_sets_the_page_size(batch_service):
    result = client(batch_service).list_supported_images(max_results=2)

    assert result.pages == 4
    assert len(result.items) == 7
    assert "maxresults=2" in batch_service.requests[0]["path"]


def test_maxresults_outside_1_to_1000_is_refused_before_any_request(batch_service):
    from batchlint.options import UsageError

    with pytest.raises(UsageError, match="from 1 to 1000"):
        client(batch_service).list_supported_images(max_results=1001)
    assert batch_service.requests == []


def test_timeout_is_sent_as_the_timeout_query_parameter(batch_service):
    client(batch_service).list_supported_images(timeout=20)

    assert "timeOut=20" in batch_service.requests[0]["path"]


def test_each_request_carries_a_fresh_client_request_id_and_ocp_date(batch_service):
    client(batch_service).list_supported_images()

    ids = [r["headers"]["client-request-id"] for r in batch_service.requests]
    assert len(set(ids)) == 3
    assert all(uuid.UUID(i) for i in ids)
    headers = batch_service.requests[0]["headers"]
    assert headers["return-client-request-id"] == "true"
    assert headers["ocp-date"].endswith(" GMT")


def test_token_is_asked_for_the_batch_scope(batch_service):
    credential = FixedToken()
    client(batch_service, credential).list_supported_images()

    assert credential.scopes[0] == ("https://batch.core.windows.net//.default",)
    assert SCOPE == "https://batch.core.windows.net//.default"


def test_wrong_token_gives_401_with_what_to_check(batch_service):
    with pytest.raises(LiveError) as caught:
        client(batch_service, FixedToken("some-other-token")).list_supported_images()

    message = str(caught.value)
    assert "HTTP 401" in message
    assert "AuthenticationFailed" in message
    assert "The access token is missing, invalid or expired." in message
    assert "check that the token is for the Batch scope" in message
    assert "some-other-token" not in message
    assert caught.value.exit_code == 3


def test_forbidden_says_to_check_the_role(batch_service):
    batch_service.scenario = "forbidden"
    with pytest.raises(LiveError, match="HTTP 403.*AuthorizationFailure.*has a role on the Batch"):
        client(batch_service).list_supported_images()


def test_credential_that_cannot_give_a_token_is_reported_in_one_line(batch_service):
    with pytest.raises(LiveError) as caught:
        client(batch_service, FailingCredential()).list_supported_images()

    message = str(caught.value)
    assert message.startswith("could not get an Entra ID token for https://batch.core")
    assert "more detail" not in message
    assert batch_service.requests == []


def test_429_with_retry_after_is_waited_out_then_succeeds(batch_service):
    batch_service.fail_first = [(429, "0.1")]
    waits = []

    result = client(batch_service, sleep=waits.append).list_supported_images()

    assert len(result.items) == 7
    assert waits == [0.1]
    assert len(batch_service.requests) == 4


def test_retry_after_longer_than_the_cap_is_capped(batch_service):
    batch_service.fail_first = [(429, "3600")]
    waits = []

    client(batch_service, sleep=waits.append).list_supported_images()

    assert waits == [0.2]


def test_503_until_the_attempts_run_out_reports_the_last_answer(batch_service):
    batch_service.always = 503
    waits = []

    with pytest.raises(LiveError) as caught:
        client(batch_service, sleep=waits.append).list_supported_images()

    message = str(caught.value)
    assert "HTTP 503" in message
    assert "ServiceUnavailable: The service is temporarily unavailable." in message
    assert "gave up after 4 attempts" in message
    assert "request id" in message
    assert len(batch_service.requests) == 4
    assert len(waits) == 3


def test_retries_stop_when_the_time_budget_would_be_passed(batch_service):
    batch_service.always = 503
    batch_service.fail_first = [(503, "0.2")]
    tight = RetryPolicy(attempts=10, backoff=0.01, max_retry_after=1.0, budget=0.1)

    with pytest.raises(LiveError, match="would pass the time budget of 0.1 s"):
        client(batch_service, retry=tight, sleep=lambda s: None).list_supported_images()
    assert len(batch_service.requests) == 1


def test_batch_error_body_is_decoded_with_code_message_values_and_request_id(batch_service):
    batch_service.scenario = "batch-error"

    with pytest.raises(LiveError) as caught:
        client(batch_service).list_supported_images()

    message = str(caught.value)
    assert (
        "HTTP 400 Bad Request: InvalidQueryParameterValue: Value for one of the query "
        "parameters specified in the request URI is invalid." in message
    )
    assert "QueryParameterName: $filter" in message
    assert "Reason: The filter value is not a valid OData expression." in message
    assert "[request id " in message
    assert len(batch_service.requests) == 1


def test_malformed_json_is_reported_with_its_position(batch_service):
    batch_service.scenario = "malformed"

    with pytest.raises(LiveError, match=r"not valid JSON \(Expecting value at line 1 column 32\)"):
        client(batch_service).list_supported_images()


def test_slow_answer_past_the_read_timeout_is_retried_then_reported(batch_service):
    batch_service.scenario = "slow"
    batch_service.delay = 1.0
    quick = RetryPolicy(attempts=2, backoff=0.01, budget=5.0, read_timeout=0.2)

    with pytest.raises(LiveError) as caught:
        client(batch_service, retry=quick).list_supported_images()

    assert "no answer within the read timeout of 0.2 s" in str(caught.value)
    assert "gave up after 2 attempts" in str(caught.value)
    assert len(batch_service.requests) == 2


def test_next_link_loop_is_stopped_and_reported(batch_service):
    batch_service.scenario = "loop"

    with pytest.raises(LiveError, match="page 2 links back to a page already read"):
        client(batch_service).list_supported_images()
    assert len(batch_service.requests) == 2


def test_next_link_to_another_host_is_not_followed(batch_service):
    batch_service.scenario = "foreign-link"

    with pytest.raises(LiveError, match="links to another host"):
        client(batch_service).list_supported_images()
    assert len(batch_service.requests) == 1


def test_nothing_listening_is_reported_as_cannot_connect():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = SupportedImagesClient(
        f"http://127.0.0.1:{port}",
        credential=FixedToken(),
        retry=RetryPolicy(attempts=2, backoff=0.01, budget=2.0),
        sleep=lambda s: None,
    )

    with pytest.raises(LiveError, match="cannot connect: .*refused.*gave up after 2 attempts"):
        dead.list_supported_images()


def test_token_never_appears_in_logs(batch_service, caplog):
    caplog.set_level(logging.DEBUG, logger="batchlint")
    batch_service.fail_first = [(503, "0")]

    client(batch_service).list_supported_images()

    assert caplog.records
    assert TOKEN not in caplog.text


def test_http_endpoint_other_than_localhost_is_refused():
    from batchlint.options import UsageError

    with pytest.raises(UsageError, match="use https"):
        SupportedImagesClient("http://contoso.eastus.batch.azure.com", credential=FixedToken())


def test_endpoint_without_scheme_gets_https():
    made = SupportedImagesClient("contoso.eastus.batch.azure.com/", credential=FixedToken())

    assert made.endpoint == "https://contoso.eastus.batch.azure.com"


def test_retry_after_as_an_http_date_in_the_past_means_no_wait(batch_service):
    batch_service.fail_first = [(503, "Wed, 21 Oct 2015 07:28:00 GMT")]
    waits = []

    client(batch_service, sleep=waits.append).list_supported_images()

    assert waits == [0.0]
