"""Reminder emails: the digest of due steps, its rendering, the mailer port, unsubscribe tokens.

Pure of AWS: the SES and outbox adapters live in `chalicelib.adapters`.
"""
