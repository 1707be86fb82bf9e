"""The Django admin for the catalogue, behind the same permissions as the pages and API.

Who may use the admin is decided by `programmes.access`, not by Django's `is_staff` flag
and model permissions: the site admits programme managers (`access.is_manager`), and every
catalogue admin asks `access.can_manage_catalogue`. Saves and deletes go through
`programmes.services`, so the admin validates exactly as the pages and the API do.

One module per noun; importing them registers their admins (`base` sets up the site).
"""

from __future__ import annotations

from programmes.admin import base, catalogue, cofinancing, tokens

__all__ = ["base", "catalogue", "cofinancing", "tokens"]
