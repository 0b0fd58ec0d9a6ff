"""Slack: client.py (Web API calls), blocks.py (pure Block Kit builders), cards.py (rows to card values),
inbound.py (verify + parse requests), dispatch.py (outbox delivery), settings.py (channels, SLAs, Slack ids)."""
