"""Salesforce Outbound Messages: the SOAP 1.1 envelope read safely, and the acknowledgement."""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

MAX_BODY = 2_000_000  # 100 notifications of a Lead's fields fit with room to spare
MAX_NOTIFICATIONS = 100
MAX_DEPTH = 12
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SF_NS = "http://soap.sforce.com/2005/09/outbound"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}">'
    "<soapenv:Body>"
    f'<notificationsResponse xmlns="{SF_NS}"><Ack>true</Ack></notificationsResponse>'
    "</soapenv:Body></soapenv:Envelope>"
)


class SoapError(Exception):
    """A body that is not an Outbound Message; `what` names the part that is wrong."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node] = field(default_factory=list)
    text: str = ""

    def child(self, local: str) -> _Node | None:
        return next((c for c in self.children if c.tag.rsplit("}", 1)[-1] == local), None)

    def all(self, local: str) -> list[_Node]:
        return [c for c in self.children if c.tag.rsplit("}", 1)[-1] == local]


@dataclass(frozen=True)
class Notification:
    """One notification: its ID (the idempotency key), the sObject's type, ID and fields."""

    id: str
    sobject_type: str
    sobject_id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class OutboundMessage:
    """An Outbound Message: who sent it and its notifications."""

    organization_id: str
    action_id: str
    notifications: list[Notification]


def _refuse(*_args: object) -> None:
    raise SoapError("doctype")


def _tree(body: bytes) -> _Node:
    if len(body) > MAX_BODY:
        raise SoapError("too_large")
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    # No DTD, no entity of any kind: billion laughs and external entities never expand.
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = lambda *a: _refuse()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = _Node("", {})
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) > MAX_DEPTH:
            raise SoapError("too_deep")
        node = _Node("{" + tag if "}" in tag else tag, attrs)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        stack[-1].text += data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError:
        raise SoapError("not_xml") from None
    except RecursionError:
        raise SoapError("too_deep") from None
    if len(root.children) != 1:
        raise SoapError("not_xml")
    return root.children[0]


def _text(node: _Node | None, what: str) -> str:
    if node is None or not node.text.strip():
        raise SoapError(what)
    if "\x00" in node.text:
        raise SoapError(what)
    return node.text.strip()


def parse(body: bytes) -> OutboundMessage:
    """Read an Outbound Message, or raise SoapError naming what is wrong."""
    envelope = _tree(body)
    if envelope.tag != f"{{{SOAP_NS}}}Envelope":
        raise SoapError("Envelope")
    soap_body = envelope.child("Body")
    notifications = soap_body.child("notifications") if soap_body else None
    if notifications is None or notifications.tag != f"{{{SF_NS}}}notifications":
        raise SoapError("notifications")
    org = _text(notifications.child("OrganizationId"), "OrganizationId")
    action = _text(notifications.child("ActionId"), "ActionId")
    items = notifications.all("Notification")
    if not items:
        raise SoapError("Notification")
    if len(items) > MAX_NOTIFICATIONS:
        raise SoapError("too_many_notifications")
    return OutboundMessage(org, action, [_notification(item) for item in items])


def _notification(item: _Node) -> Notification:
    note_id = _text(item.child("Id"), "Notification.Id")
    sobject = item.child("sObject")
    if sobject is None:
        raise SoapError("Notification.sObject")
    kind = sobject.attrs.get(f"{XSI_NS}}}type", "")
    kind = kind.split(":", 1)[-1]
    fields: dict[str, str] = {}
    for child in sobject.children:
        if child.children:
            raise SoapError(f"sObject.{child.tag.rsplit('}', 1)[-1]}")
        value = child.text.strip()
        if "\x00" in value or len(value) > 32_000:
            raise SoapError(f"sObject.{child.tag.rsplit('}', 1)[-1]}")
        fields[child.tag.rsplit("}", 1)[-1]] = value
    return Notification(note_id, kind, fields.get("Id", ""), fields)
