"""Signal receivers. They only write rows in the sender's session; nothing here talks to the network."""


def register_signal_handlers(settings=None) -> None:
    """Connect every receiver once (idempotent: blinker ignores a repeated connect).

    `settings` (config.Settings) tells the Slack receivers whether Slack is on;
    the app factory and the worker pass theirs. Receivers never read Flask.
    """
    from reviewq.receivers import audit, notify
    audit.connect()
    notify.connect(settings)
