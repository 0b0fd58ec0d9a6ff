"""Accounts: users and roles, passwords and sign-in, API tokens, sessions and the throttling of failed attempts."""
