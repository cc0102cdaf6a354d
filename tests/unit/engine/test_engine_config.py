"""LineConfig / EngineConfig: Twilio hosts, URIs, defaults and validation."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from dialer_app.engine.config import TWILIO_EDGES, EngineConfig, LineConfig, is_e164, system_ca_file


def line(**kw: object) -> LineConfig:
    base: dict[str, object] = {
        "name": "Main",
        "domain": "acme.pstn.twilio.com",
        "username": "rep",
        "caller_id": "+15005550006",
    }
    base.update(kw)
    return LineConfig(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("edge", sorted(TWILIO_EDGES))
def test_edge_host(edge: str) -> None:
    assert line(edge=edge).host == f"acme.pstn.{edge}.twilio.com"


def test_no_edge_uses_the_domain() -> None:
    assert line().host == "acme.pstn.twilio.com"


def test_edge_needs_a_twilio_domain() -> None:
    with pytest.raises(ValueError, match=r"pstn\.twilio\.com"):
        line(domain="sip.example.com", edge="dublin")


def test_unknown_edge() -> None:
    with pytest.raises(ValueError, match="edge"):
        line(edge="mars")


@pytest.mark.parametrize(("transport", "port"), [("tls", 5061), ("tcp", 5060), ("udp", 5060)])
def test_default_ports(transport: str, port: int) -> None:
    assert line(transport=transport).effective_port == port


def test_explicit_port_wins() -> None:
    assert line(transport="tls", port=5071).effective_port == 5071


def test_defaults_are_tls_with_verification() -> None:
    cfg = line()
    assert (
        cfg.transport == "tls"
        and cfg.verify_server
        and cfg.ca_file is None
        and not cfg.secure_media
    )


def test_target_uri() -> None:
    assert line(edge="frankfurt").target_uri("+4930123456") == (
        "sip:+4930123456@acme.pstn.frankfurt.twilio.com:5061;transport=tls"
    )
    assert (
        line(transport="tcp").target_uri("+15551234567")
        == "sip:+15551234567@acme.pstn.twilio.com:5060;transport=tcp"
    )


def test_target_uri_refuses_non_e164() -> None:
    with pytest.raises(ValueError):
        line().target_uri("5551234567")


def test_from_uri_carries_the_caller_id_at_the_domain() -> None:
    assert line(edge="sydney").from_uri == "sip:+15005550006@acme.pstn.twilio.com"


def test_server_uri() -> None:
    assert line(transport="udp").server_uri == "sip:acme.pstn.twilio.com:5060;transport=udp"


@pytest.mark.parametrize(
    "bad",
    [
        {"caller_id": "5551234"},
        {"transport": "ws"},
        {"port": 70000},
        {"name": " "},
        {"domain": "a b"},
        {"domain": "x@y"},
    ],
)
def test_invalid_lines(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        line(**bad)


def test_line_holds_no_secret_and_is_frozen() -> None:
    cfg = line()
    assert not any("pass" in name for name in cfg.__dataclass_fields__)
    with pytest.raises(FrozenInstanceError):
        cfg.domain = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("+15551234567", True),
        ("+442071234567", True),
        ("+1234567", True),
        ("+123456789012345", True),
        ("+1234567890123456", False),
        ("+123456", False),
        ("15551234567", False),
        ("+05551234567", False),
        ("+1 555 123 4567", False),
        ("+1555123456a", False),
        ("", False),
        ("+15551234567\n", False),
        ("+\u0661\u0662\u0663\u0664\u0665\u0666\u0667", False),
    ],
)
def test_is_e164(number: str, ok: bool) -> None:
    assert is_e164(number) is ok


def test_engine_config_defaults_are_loopback() -> None:
    cfg = EngineConfig()
    assert cfg.bind_address == "127.0.0.1" and cfg.loopback
    assert not EngineConfig(bind_address="").loopback


@pytest.mark.parametrize(
    "bad",
    [
        {"bind_address": "::1"},
        {"bind_address": "not-an-ip"},
        {"log_level": 9},
        {"max_calls": 0},
        {"pump_ms": 0},
        {"quality_interval_s": 0},
    ],
)
def test_invalid_engine_config(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        EngineConfig(**bad)  # type: ignore[arg-type]


def test_system_ca_file_is_a_path() -> None:
    assert system_ca_file().endswith((".crt", ".pem"))
