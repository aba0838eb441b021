"""The calendar a user subscribes to, and the invite the briefing email attaches."""
