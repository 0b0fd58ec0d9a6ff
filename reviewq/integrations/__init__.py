"""Integrations with outside services (Slack)."""
