"""Accounts: who may sign in, their sessions and the throttling of failed attempts."""
