"""The organisation's check policy as admins edit it (the stored setting "policy").

operations.py changes it (admins only), queries.py reads it for the admin page.
Applying the policy to a post is reviewq.drafts.checking's job.
"""
