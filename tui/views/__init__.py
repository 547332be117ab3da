"""The console's views, one module each, in the order of their keys (1–7)."""

from __future__ import annotations

from tui.views.approvals import ApprovalsView
from tui.views.experts import ExpertsView
from tui.views.mount import MountView
from tui.views.overview import OverviewView
from tui.views.policies import PoliciesView
from tui.views.sessions import SessionsView
from tui.views.timeline import TimelineView
from tui.views.view import View

VIEWS: tuple[type[View], ...] = (
    OverviewView,
    SessionsView,
    TimelineView,
    ApprovalsView,
    PoliciesView,
    ExpertsView,
    MountView,
)

__all__ = ["VIEWS", "View"]
