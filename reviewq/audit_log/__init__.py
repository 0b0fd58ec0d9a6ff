"""Reading the audit log for people (the /audit pages). Writing it is reviewq.receivers.audit's;
the chain itself (hashing, verify_chain) is reviewq.models.audit's."""
