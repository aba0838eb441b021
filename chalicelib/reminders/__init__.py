"""Reminder emails: the sweep and its verdicts, delivery at most once, the digest and its
rendering, the mailer port, unsubscribe tokens. Pure of AWS: the view store, SES and the outbox
are adapters handed in by the composition root.
"""
