"""Rapport: informational interviews as event streams, served by AWS Chalice."""
