"""The append-only, hash-chained event store: the one piece of state every Lighthouse process shares."""

from lighthouse_mcp.events.chain import VerifyReport
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.query import EventFilter, parse_filter
from lighthouse_mcp.events.store import EventStore, Page, open_store

__all__ = [
    "Event",
    "EventFilter",
    "EventStore",
    "NewEvent",
    "Page",
    "VerifyReport",
    "open_store",
    "parse_filter",
]
