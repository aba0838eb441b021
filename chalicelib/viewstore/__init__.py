"""The read side's port and its adapters: views, reminders, dashboards, the due index, claims."""
