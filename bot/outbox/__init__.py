"""Delivery of the messages the bot owes Slack: paced, retried, never lost."""
