"""Drafts: authoring (create, edit, attach, submit, withdraw), the checks run on them, and the one
function that moves a draft between states (reviewq.drafts.transitions.apply)."""
