"""Roles and channels: the contract's names, in one place."""
from __future__ import annotations

STAFF, REVIEWER, LEGAL, COMMS, ADMIN, AUDITOR = "staff", "reviewer", "legal", "comms", "admin", "auditor"
ROLES = (STAFF, REVIEWER, LEGAL, COMMS, ADMIN, AUDITOR)
ROLE_LABELS = {STAFF: "Staff", REVIEWER: "Reviewer", LEGAL: "Legal", COMMS: "Comms lead",
               ADMIN: "Administrator", AUDITOR: "Compliance auditor"}

CHANNELS = ("x", "facebook", "instagram", "linkedin", "threads", "tiktok", "youtube", "bluesky")
CHANNEL_LABELS = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                  "threads": "Threads", "tiktok": "TikTok", "youtube": "YouTube", "bluesky": "Bluesky"}
