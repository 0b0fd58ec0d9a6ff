"""The patient consent registry: signed consents, their revocation, and their links to drafts."""
