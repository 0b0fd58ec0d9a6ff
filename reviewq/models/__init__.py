"""SQLAlchemy models, one module per aggregate. Schema changes go through Alembic only."""
from reviewq.models.audit import AuditEvent, AuditHead
from reviewq.models.base import Base, utcnow
from reviewq.models.consent import Consent, ConsentFace, ConsentTask, draft_consents
from reviewq.models.drafts import Attachment, Decision, Draft, Revision
from reviewq.models.outbox import OutboxMessage
from reviewq.models.releases import BlackoutWindow, CalendarFeedToken, ReleaseAttempt, ReleaseHold
from reviewq.models.sessions import UserSession
from reviewq.models.settings import Setting, SettingVersion, WorkerHeartbeat
from reviewq.models.slack import SlackMessage
from reviewq.models.users import ApiToken, LoginAttempt, User, UserRole

__all__ = ["ApiToken", "Attachment", "AuditEvent", "AuditHead", "Base", "BlackoutWindow", "CalendarFeedToken",
           "ReleaseAttempt", "ReleaseHold", "Consent", "ConsentFace", "ConsentTask", "Decision", "Draft",
           "LoginAttempt", "OutboxMessage", "Revision", "Setting", "SettingVersion", "SlackMessage", "User", "UserRole", "UserSession", "WorkerHeartbeat", "draft_consents",
           "utcnow"]
