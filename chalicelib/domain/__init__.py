"""The pure domain: events, fold, rules and next action. Standard library and pydantic only."""
