"""The whole system on one machine: `python -m chalicelib.cli dev`, and `DevStack` for tests.

An embedded AWS endpoint (moto), the API on Chalice's local server, a stream pump feeding the
projector, a scheduler firing the reminder sweep, and an outbox of `.eml` files, all in one
process and all stoppable, so a pytest fixture can run it on free ports.
"""
