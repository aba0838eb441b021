"""The event store port and its adapters (in memory, DynamoDB)."""
