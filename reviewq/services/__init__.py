"""The imperative shell: load → core decides → persist → signal.

Web views, the JSON API, Slack and the CLI call these functions and nothing
else to change a draft, so permissions, audit and signals are identical
whichever way an action arrives. Services never commit: the caller's unit of
work does, and the worker delivers what the outbox holds only after that.
"""
