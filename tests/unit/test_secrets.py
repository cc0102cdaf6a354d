from __future__ import annotations

import pytest

from dialer_app.secrets import (
    API_TOKEN,
    SecretStorageUnavailable,
    SecretStore,
    sip_password_key,
)


def test_secrets_go_to_the_keyring(memory_keyring: dict[tuple[str, str], str]) -> None:
    store = SecretStore()
    store.set(sip_password_key("Main trunk"), "s3cret")
    assert memory_keyring[("dialer_app", "sip-password:Main trunk")] == "s3cret"
    assert store.get(sip_password_key("Main trunk")) == "s3cret"
    assert store.status().usable
    store.delete(sip_password_key("Main trunk"))
    assert store.get(sip_password_key("Main trunk")) is None


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_nothing_is_written_and_the_message_says_what_to_do() -> None:
    store = SecretStore()
    status = store.status()
    assert not status.usable
    assert "keyring" in status.message.lower()
    with pytest.raises(SecretStorageUnavailable) as caught:
        store.set(API_TOKEN, "tok")
    assert "session only" in str(caught.value)
    assert store.get(API_TOKEN) is None


@pytest.mark.usefixtures("no_keyring")
def test_session_only_keeps_secrets_in_memory() -> None:
    store = SecretStore()
    store.keep_for_session_only()
    store.set(API_TOKEN, "tok")
    assert store.get(API_TOKEN) == "tok"
    assert SecretStore().get(API_TOKEN) is None  # a new session does not have it
    assert store.status().backend == "session only"
