"""Publishers: where a released post goes. The outbox folder by default, a signed webhook when configured.

A publisher gets the finished payload and the release's idempotency key and
answers with a PublishResult; it never touches the database (the release
worker in reviewq.releases.job records the outcome).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishResult:
    ok: bool
    ref: str | None = None       # the publisher's reference for the post (stored on the draft)
    error: str | None = None     # why it failed; may quote the publisher, so callers mask PHI in it


def publisher_for(settings, timeout: float = 10.0, concurrency: int = 1):
    """The webhook publisher when REVIEWQ_PUBLISH_WEBHOOK_URL is set, else the outbox folder.

    Both are safe to call from `concurrency` threads at once; call close() when done.
    """
    if settings.publish_webhook_url:
        from reviewq.publishers.webhook import WebhookPublisher
        return WebhookPublisher(settings.publish_webhook_url, settings.publish_webhook_secret or "", timeout,
                                concurrency)
    from reviewq.publishers.folder import FolderPublisher
    return FolderPublisher(settings.outbox_dir)
