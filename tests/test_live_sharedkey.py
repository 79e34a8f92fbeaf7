"""The Batch shared key signature, checked by the fake service's own computation."""

from __future__ import annotations

import base64

import pytest

from batchlint.catalog import CatalogError
from batchlint.catalog.live import LiveError, RetryPolicy, SupportedImagesClient, client_for
from batchlint.catalog.sharedkey import SharedKey, SharedKeyError, string_to_sign

from batch_service import ACCOUNT, IMAGES, KEY

FAST = RetryPolicy(attempts=2, backoff=0.01, budget=5.0)
WRONG_KEY = base64.b64encode(b"an-old-key-that-was-regenerated").decode()


def test_string_to_sign_follows_the_documented_layout():
    headers = {"ocp-date": "Tue, 29 Apr 2014 19:48:23 GMT", "client-request-id": "abc"}
    url = "https://Contoso.eastus.batch.azure.com/supportedimages?api-version=2025-06-01&timeOut=20"

    text = string_to_sign("get", url, headers, "Contoso")

    assert text == (
        "GET\n\n\n\n\n\n\n\n\n\n\n\nocp-date:Tue, 29 Apr 2014 19:48:23 GMT\n"
        "/contoso/supportedimages\napi-version:2025-06-01\ntimeout:20"
    )


def test_date_header_is_signed_empty_when_ocp_date_is_set():
    headers = {"Date": "Mon, 01 Jan 2024 00:00:00 GMT", "ocp-date": "Tue, 02 Jan 2024 00:00:00 GMT"}

    text = string_to_sign("GET", "https://a.b.batch.azure.com/x", headers, "a")

    assert "Mon, 01 Jan" not in text


def test_query_parameters_are_decoded_and_sorted_by_lower_case_name():
    url = "https://a.b.batch.azure.com/supportedimages?maxresults=2&%24filter=osType%20eq%20%27linux%27"

    text = string_to_sign("GET", url, {}, "a")

    assert text.endswith("/a/supportedimages\n$filter:osType eq 'linux'\nmaxresults:2")


def test_right_key_is_accepted_on_every_page(batch_service):
    batch_service.shared_key = (ACCOUNT, KEY)
    client = SupportedImagesClient(
        batch_service.url, shared_key=SharedKey(ACCOUNT, KEY), retry=FAST
    )

    result = client.list_supported_images(filter="osType eq 'linux'", max_results=2)

    assert result.items == [i for i in IMAGES if i["osType"] == "linux"]
    assert all(
        r["headers"]["Authorization"].startswith("SharedKey contoso:")
        for r in batch_service.requests
    )


def test_wrong_key_is_refused_and_the_refusal_says_what_to_check(batch_service):
    batch_service.shared_key = (ACCOUNT, KEY)
    client = SupportedImagesClient(
        batch_service.url, shared_key=SharedKey(ACCOUNT, WRONG_KEY), retry=FAST
    )

    with pytest.raises(LiveError) as caught:
        client.list_supported_images()

    message = str(caught.value)
    assert "HTTP 403 Forbidden: AuthenticationFailed: Server failed to authenticate" in message
    assert "AuthenticationErrorDetail: The MAC signature found in the HTTP request" in message
    assert "check that AZURE_BATCH_ACCOUNT (contoso) is the account of this endpoint" in message
    assert "AZURE_BATCH_ACCESS_KEY is one of its current keys" in message
    assert WRONG_KEY not in message
    assert len(batch_service.requests) == 1


def test_key_that_is_not_base64_is_refused_with_the_variable_to_check():
    with pytest.raises(SharedKeyError, match="not base64 text .*AZURE_BATCH_ACCESS_KEY"):
        SharedKey(ACCOUNT, "not base64!")


def test_key_never_shows_in_repr():
    assert KEY not in repr(SharedKey(ACCOUNT, KEY))


def test_auto_authentication_takes_the_shared_key_from_the_environment(monkeypatch, batch_service):
    batch_service.shared_key = (ACCOUNT, KEY)
    monkeypatch.setenv("AZURE_BATCH_ACCOUNT", ACCOUNT)
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", KEY)

    result = client_for(batch_service.url, retry=FAST).list_supported_images()

    assert len(result.items) == len(IMAGES)


def test_shared_key_authentication_without_the_variables_is_a_configuration_error(monkeypatch):
    monkeypatch.delenv("AZURE_BATCH_ACCOUNT", raising=False)
    monkeypatch.delenv("AZURE_BATCH_ACCESS_KEY", raising=False)

    with pytest.raises(
        CatalogError, match="needs AZURE_BATCH_ACCOUNT and AZURE_BATCH_ACCESS_KEY"
    ) as caught:
        client_for("https://contoso.eastus.batch.azure.com", auth="shared-key")

    assert not isinstance(caught.value, LiveError)
    assert caught.value.exit_code == 2


def test_key_in_the_environment_that_is_not_base64_is_a_configuration_error(monkeypatch):
    monkeypatch.setenv("AZURE_BATCH_ACCOUNT", ACCOUNT)
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", "not base64!")

    with pytest.raises(CatalogError, match="not base64 text") as caught:
        client_for("https://contoso.eastus.batch.azure.com")

    assert caught.value.exit_code == 2
