"""The manifest asks for exactly the bot scopes the code needs: each Web API method the code calls
is covered by a declared scope, and each declared scope is needed by a call or a feature."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.paths import ROOT

# What each Web API method accepts with a bot token, from Slack's method reference
# (docs.slack.dev/reference/methods/<method>): any one of the scopes listed lets the call through.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    # A DM's own channel ID, from the user ID the bot posted to.
    "conversations.open": frozenset({"channels:manage", "groups:write", "im:write", "mpim:write"}),
    # One scope per kind of conversation read: public, private, DM, group DM.
    "conversations.history": frozenset(
        {"channels:history", "groups:history", "im:history", "mpim:history"}
    ),
    "conversations.replies": frozenset(
        {"channels:history", "groups:history", "im:history", "mpim:history"}
    ),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
    # Surfaces opened from a trigger or the App Home need no scope.
    "users.info": frozenset({"users:read"}),
    "users.lookupByEmail": frozenset({"users:read.email"}),
    "views.open": frozenset(),
    "views.publish": frozenset(),
}
# The SDK's helpers that make several Web API calls.
SDK_HELPERS = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}
# Scopes that widen a method rather than enable it, and scopes a manifest feature needs.
WIDENING = {
    "chat:write.public": "chat.postMessage",
    "users:read.email": "users.info",  # HubSpot out: a rep's email finds their HubSpot owner
}  # post in channels without joining them
FEATURE_SCOPES = {"commands": "slash_commands"}

PRODUCTION = [ROOT / "bot", ROOT / "handlers", ROOT / "storage"]
_FAMILIES = "chat|conversations|views|files|users|im|mpim|reactions|pins|team|auth|bots|apps"
_QUOTED_METHOD = re.compile(rf"""["']((?:{_FAMILIES})\.[a-z][A-Za-z.]*)["']""")
_SDK_CALL = re.compile(rf"\bclient\.((?:{_FAMILIES})_[A-Za-z0-9_]+)\(")
_QUOTED_HELPER = re.compile(rf"""["']({"|".join(SDK_HELPERS)})["']""")


def _sources() -> list[Path]:
    files = [path for package in PRODUCTION for path in package.rglob("*.py")]
    # The Slack stand-in answers these methods; it does not call them.
    return [path for path in files if "local" not in path.relative_to(ROOT).parts[:2]]


def called_methods() -> set[str]:
    """Every Web API method the production code calls, by its dotted name."""
    methods: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        methods.update(_QUOTED_METHOD.findall(text))
        helpers = set(_QUOTED_HELPER.findall(text))
        for name in _SDK_CALL.findall(text):
            if name in SDK_HELPERS:
                helpers.add(name)
            else:
                family, _, method = name.partition("_")
                methods.add(f"{family}.{method}")
        for helper in helpers:
            methods.update(SDK_HELPERS[helper])
    return methods


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def declared_scopes() -> set[str]:
    """The bot scopes manifest.yml asks for."""
    return set(_manifest()["oauth_config"]["scopes"]["bot"])


def test_the_scan_finds_the_calls_the_bot_makes() -> None:
    # A scan that found nothing would pass everything below.
    called = called_methods()
    assert {"chat.postMessage", "chat.update", "views.open", "conversations.history"} <= called
    assert "files.completeUploadExternal" in called


def test_every_method_called_is_in_the_scope_table() -> None:
    unknown = sorted(called_methods() - METHOD_SCOPES.keys())
    assert unknown == [], f"look up the scopes of {unknown} in Slack's method reference"


def test_every_method_called_is_covered_by_a_declared_scope() -> None:
    declared = declared_scopes()
    uncovered = sorted(
        method
        for method in called_methods()
        if METHOD_SCOPES[method] and not METHOD_SCOPES[method] & declared
    )
    assert uncovered == []


def test_every_declared_scope_is_needed() -> None:
    called = called_methods()
    needed = set().union(*(METHOD_SCOPES[method] for method in called))
    needed |= {scope for scope, method in WIDENING.items() if method in called}
    features = _manifest()["features"]
    needed |= {scope for scope, feature in FEATURE_SCOPES.items() if features.get(feature)}
    assert sorted(declared_scopes() - needed) == []
