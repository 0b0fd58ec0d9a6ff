"""Signal receivers. They only write rows in the sender's session; nothing here talks to the network."""


def register_signal_handlers() -> None:
    """Connect every receiver once (idempotent: blinker ignores a repeated connect)."""
    from reviewq.receivers import audit
    audit.connect()
    try:
        from reviewq.receivers import notify
    except ImportError:  # the Slack outbox receivers are optional until that module exists
        return
    notify.connect()
