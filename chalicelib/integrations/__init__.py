"""A user's connections to the outside: webhook subscriptions and the calendar feed's secret."""
