"""A local Salesforce: the REST subset simple-salesforce uses, and an Outbound Message sender."""

from bot.local.salesforce.server import SalesforceStandIn, outbound_message

__all__ = ["SalesforceStandIn", "outbound_message"]
