"""CRM connectors: HubSpot, Salesforce and the outgoing webhook."""
