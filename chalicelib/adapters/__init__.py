"""Thin adapters, one per AWS service; each receives its boto3 client."""
