"""E-mail notifications: messages.py builds them (pure), client.py sends them (the only smtplib user),
dispatch.py delivers the `email.*` outbox rows (run by the worker). Who gets which e-mail is decided by
reviewq.receivers.notify when the change happens."""
