"""Rapport's AWS infrastructure as a CDK app (see README.md in this folder)."""
