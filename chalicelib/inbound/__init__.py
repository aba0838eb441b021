"""Reading inbound email: MIME, machine-sent mail, the new text of a reply, its commands."""
