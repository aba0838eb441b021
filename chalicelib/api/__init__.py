"""The HTTP edge: translates requests to service calls and errors to status codes."""
