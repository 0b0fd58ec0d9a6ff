"""Review: approval decisions at each stage, the review queue and counts, stage reminders."""
