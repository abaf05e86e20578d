"""The CRM connectors (HubSpot, Salesforce, the outgoing webhook)."""
