"""The read side: read models in the views table, kept by the projector from the events stream."""
