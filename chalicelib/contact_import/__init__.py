"""Reading contacts from an uploaded CSV file: its rows, and which of them are already known."""
