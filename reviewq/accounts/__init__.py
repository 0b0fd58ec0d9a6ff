"""Accounts: users and roles, passwords and sign-in, API tokens."""
