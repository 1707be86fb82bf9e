"""The reports API under /api/v1/: co-financing agreements, invoices, ledger and participation."""

from __future__ import annotations

urlpatterns: list = []
