"""Operational metrics for GET /metrics (Prometheus text format).

What is measured and where it comes from (docs/deploy.md, "Metrics"):
- State of the system, computed from the database at scrape time (queries.py):
  drafts by state, outbox depth and failures by kind, releases due and late,
  the age of the audit chain's head and of the worker's heartbeat. Every
  process answers the same, however many `reviewq serve` processes run.
- Requests by endpoint and status (requests.py): a prometheus_client Counter.
  Under `reviewq serve --workers N` (gunicorn) the server turns on
  prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR under the
  instance folder), so any process's scrape sums every process's counts.
Labels are endpoint names, states, kinds and status codes: never paths, ids,
e-mail addresses or text, so no PHI can reach a label.
"""
