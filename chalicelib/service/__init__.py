"""Application services: load, fold, decide, append. No HTTP, no boto3."""
