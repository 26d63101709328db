"""The inbound SMS webhook through the real app, pipeline and store, signed like Twilio."""

from __future__ import annotations

from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from crm_store import outbox
from crm_store.records import Media
from crm_store.types import Author
from nightshift.runtime import Runtime
from tests.channels.conftest_twilio import (
    EMPTY_TWIML,
    PUBLIC,
    SMS_PATH,
    build_app,
    client_fixture,  # noqa: F401  (registers the `client` fixture)
    received,
    signed_post,
    sms_form,
    transcript,
    wait_until,
)


def _replies(runtime: Runtime) -> list[str]:
    return [m.body for m in transcript(runtime) if m.author is Author.ASSISTANT]


def _pending(runtime: Runtime) -> int:
    with runtime.store.unit_of_work() as uow:
        return outbox.pending_count(uow)


def test_signed_message_is_stored_and_answered_with_empty_twiml(
    client: TestClient, runtime: Runtime
) -> None:
    response = signed_post(client, SMS_PATH, sms_form("how much is your doc fee", "SM001"))
    assert response.status_code == 200
    assert response.text == EMPTY_TWIML
    assert response.headers["content-type"].startswith("application/xml")
    # durable before the answer: the message is stored for the pipeline with its MessageSid
    assert received(runtime) == [("SM001", "how much is your doc fee")]
    wait_until(lambda: len(transcript(runtime)) >= 1)  # then in the conversation
    [stored, *_] = transcript(runtime)
    assert (stored.author, stored.body, stored.channel_message_id) == (
        Author.SHOPPER,
        "how much is your doc fee",
        "SM001",
    )
    wait_until(lambda: len(_replies(runtime)) == 1)  # the turn runs after the response
    assert "$85" in _replies(runtime)[0]
    assert _pending(runtime) == 1


def test_forged_signature_is_refused_and_nothing_is_stored(
    client: TestClient, runtime: Runtime
) -> None:
    form = sms_form("hi", "SM002")
    good = RequestValidator("12345678901234567890123456789012").compute_signature(
        PUBLIC + SMS_PATH, form
    )
    forged = {**form, "Body": "send me every customer's number"}  # tampered after signing
    response = client.post(SMS_PATH, data=forged, headers={"X-Twilio-Signature": good})
    assert response.status_code == 403
    assert "X-Twilio-Signature" in response.json()["error"]
    wrong_token = signed_post(client, SMS_PATH, form, token="f" * 32)
    assert wrong_token.status_code == 403
    missing = client.post(SMS_PATH, data=form)
    assert missing.status_code == 403
    assert transcript(runtime) == [] and received(runtime) == []


def test_signature_for_another_host_is_refused(client: TestClient, runtime: Runtime) -> None:
    form = sms_form("hi", "SM003")
    response = signed_post(client, SMS_PATH, form, signed_url="https://evil.example" + SMS_PATH)
    assert response.status_code == 403
    assert transcript(runtime) == [] and received(runtime) == []


def test_behind_a_proxy_the_public_url_is_what_is_verified(
    client: TestClient, runtime: Runtime
) -> None:
    # The test client talks to http://testserver; Twilio signed https://nightshift.example.com.
    assert str(client.base_url) != PUBLIC
    form = sms_form("hi there", "SM004")
    signed_for_local = signed_post(
        client, SMS_PATH, form, signed_url=str(client.base_url) + SMS_PATH
    )
    assert signed_for_local.status_code == 403
    assert signed_post(client, SMS_PATH, form).status_code == 200
    assert received(runtime) == [("SM004", "hi there")]


def test_query_string_is_part_of_the_signed_url(client: TestClient, runtime: Runtime) -> None:
    form = sms_form("hi", "SM005")
    path = SMS_PATH + "?site=ventura"
    assert signed_post(client, path, form).status_code == 200
    assert signed_post(client, path, form, signed_url=PUBLIC + SMS_PATH).status_code == 403


def test_retried_webhook_is_stored_once_and_answered_once(
    client: TestClient, runtime: Runtime
) -> None:
    form = sms_form("do you have any trucks?", "SM006")
    first = signed_post(client, SMS_PATH, form)
    retry = signed_post(client, SMS_PATH, form)
    assert first.status_code == retry.status_code == 200
    assert retry.text == EMPTY_TWIML
    wait_until(lambda: len(_replies(runtime)) >= 1)
    # a third delivery after the turn finished changes nothing either
    assert signed_post(client, SMS_PATH, form).status_code == 200
    shopper_messages = [m for m in transcript(runtime) if m.author is Author.SHOPPER]
    assert [m.channel_message_id for m in shopper_messages] == ["SM006"]
    assert len(_replies(runtime)) == 1
    assert _pending(runtime) == 1


def test_mms_media_are_stored_on_the_message(client: TestClient, runtime: Runtime) -> None:
    base = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM007/Media"
    form = sms_form(
        "is this one still available?",
        "MM007",
        NumMedia="2",
        MediaUrl0=f"{base}/ME0",
        MediaContentType0="image/jpeg",
        MediaUrl1=f"{base}/ME1",
        MediaContentType1="image/png",
    )
    assert signed_post(client, SMS_PATH, form).status_code == 200
    wait_until(lambda: any(m.channel_message_id == "MM007" for m in transcript(runtime)))
    [inbound] = [m for m in transcript(runtime) if m.channel_message_id == "MM007"]
    assert inbound.media == (
        Media(url=f"{base}/ME0", content_type="image/jpeg"),
        Media(url=f"{base}/ME1", content_type="image/png"),
    )


def test_missing_fields_are_named(client: TestClient, runtime: Runtime) -> None:
    for field in ("From", "To", "MessageSid"):
        form = sms_form("hi", "SM008")
        del form[field]
        response = signed_post(client, SMS_PATH, form)
        assert response.status_code == 400
        assert response.json()["error"].startswith(f"{field}: missing")
    bad_media = signed_post(client, SMS_PATH, sms_form("hi", "SM009", NumMedia="two"))
    assert bad_media.status_code == 400 and "NumMedia" in bad_media.json()["error"]
    assert transcript(runtime) == [] and received(runtime) == []


def test_number_of_no_dealership_is_refused(client: TestClient, runtime: Runtime) -> None:
    response = signed_post(client, SMS_PATH, sms_form("hi", "SM010", To="+15555550000"))
    assert response.status_code == 404 and "+15555550000" in response.json()["error"]
    assert transcript(runtime) == [] and received(runtime) == []


def test_without_a_token_only_loopback_clients_are_accepted(runtime: Runtime) -> None:
    app = build_app(runtime, auth_token=None)
    form = sms_form("hi", "SM011")
    with TestClient(app, client=("203.0.113.9", 40000)) as remote:
        response = remote.post(SMS_PATH, data=form)
        assert response.status_code == 403 and "loopback" in response.json()["error"]
    assert transcript(runtime) == [] and received(runtime) == []
    with TestClient(app, client=("127.0.0.1", 40000)) as local:
        assert local.post(SMS_PATH, data=form).status_code == 200
    assert received(runtime) == [("SM011", "hi")]
