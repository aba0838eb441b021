"""Tenants that run themselves: roles, invitations, members and their consent (pure)."""
