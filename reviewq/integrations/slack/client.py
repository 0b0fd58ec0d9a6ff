"""The Slack Web API client: the only place a slack_sdk WebClient is built.

Each function makes one Web API call and turns every failure into a
SlackCallError saying whether a retry can help and how long Slack asked us to
wait (429 Retry-After). The SDK's own retries are off: the outbox decides when
to try again. Nothing here reads the database or logs message text.
"""
from __future__ import annotations

from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

TIMEOUT = 10
# ok:false errors that a later attempt may get past; every other error code is permanent.
TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                       "request_timeout", "timeout"})


class SlackCallError(Exception):
    def __init__(self, code: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(code)
        self.code, self.retryable, self.retry_after = code, retryable, retry_after


def enabled(settings) -> bool:
    """Slack is on exactly when a bot token is configured."""
    return bool(settings.slack_bot_token)


def web_client(settings, timeout: float = TIMEOUT) -> WebClient:
    base = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(token=settings.slack_bot_token, base_url=base, timeout=timeout, retry_handlers=[])


def call(settings, method: str, *, timeout: float = TIMEOUT, **params) -> dict:
    """Call a Web API method with a JSON body; return its data or raise SlackCallError."""
    try:
        body = {k: v for k, v in params.items() if v is not None}
        resp = web_client(settings, timeout).api_call(method, json=body)
        return dict(resp.data)
    except SlackApiError as e:
        raise _classify(e.response) from None
    except (SlackClientError, URLError, OSError, ValueError) as e:
        raise SlackCallError(f"connection: {type(e).__name__}", retryable=True) from None


def _classify(resp) -> SlackCallError:
    status = resp.status_code
    data = resp.data if isinstance(resp.data, dict) else {}
    code = str(data.get("error") or f"http_{status}")[:100]
    if status == 429:
        return SlackCallError("ratelimited", retryable=True, retry_after=_retry_after(resp.headers))
    if status >= 500:
        return SlackCallError(f"http_{status}", retryable=True)
    return SlackCallError(code, retryable=code in TRANSIENT)


def _retry_after(headers) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(float(value), 1.0)
            except (TypeError, ValueError):
                return None
    return None


def auth_test(settings) -> dict:
    return call(settings, "auth.test", timeout=5)


def post_message(settings, channel: str, text: str, blocks: list[dict] | None = None) -> tuple[str, str]:
    """Post to a channel (or DM channel); returns (channel id, message ts)."""
    data = call(settings, "chat.postMessage", channel=channel, text=text, blocks=blocks or None,
                unfurl_links=False, unfurl_media=False)
    return data["channel"], data["ts"]


def update_message(settings, channel: str, ts: str, text: str, blocks: list[dict]) -> None:
    call(settings, "chat.update", channel=channel, ts=ts, text=text, blocks=blocks)


def post_ephemeral(settings, channel: str, user: str, text: str) -> None:
    call(settings, "chat.postEphemeral", channel=channel, user=user, text=text)


def open_dm(settings, slack_user_id: str) -> str:
    return call(settings, "conversations.open", users=slack_user_id)["channel"]["id"]


def open_view(settings, trigger_id: str, view: dict, timeout: float = 2.0) -> None:
    """Open a modal; the trigger id lives 3 seconds, so this call gets a short timeout."""
    call(settings, "views.open", timeout=timeout, trigger_id=trigger_id, view=view)
