"""Automated policy checks: text (and attachment metadata) in, findings out.

Pure: no Flask, database or network. Callers pass everything in (text,
channels, attachment metadata, linked consent summaries, the policy) and get a
list of Finding values in the contract's format. Persisting findings and
deciding what a `block` means for the workflow belong to the domain packages (reviewq.drafts.checking).
"""
from reviewq.checks.base import AttachmentInfo, ConsentInfo, Finding
from reviewq.checks.policy import Policy, default_policy
from reviewq.checks.registry import run_all

__all__ = ["AttachmentInfo", "ConsentInfo", "Finding", "Policy", "default_policy", "run_all"]
