"""The operator's console: a Textual app over the Lighthouse event store (`lighthouse tui`)."""
