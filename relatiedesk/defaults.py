"""The shipped texts: Markdown files read when a text has no saved version yet.

Files rather than a data migration, so that a better default reaches every text nobody has
edited with a plain deploy, and a saved version is never overwritten. The files live in
`relatiedesk/defaults/<language>/`: `general-<audience>.md` and `programme-<audience>.md`
(the first line is the title, `{{naam}}` becomes the programme's name in that language) and
`checklist-<audience>.md` for children and teenagers. Parents' texts are B1; the children's
texts are simpler still.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from programmes.models import Programme

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
PLACEHOLDER = "{{naam}}"


@dataclass(frozen=True)
class DefaultText:
    title: str
    body: str
    checklist: str


@cache
def _read(language: str, name: str) -> str:
    path = DEFAULTS_DIR / language / f"{name}.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def default_text(*, programme: Programme | None, audience: str, language: str) -> DefaultText:
    """The shipped text for a page, filled in for the programme in the given language."""
    scope = "programme" if programme is not None else "general"
    title, _, body = _read(language, f"{scope}-{audience}").partition("\n")
    checklist = _read(language, f"checklist-{audience}")
    if programme is not None:
        name = programme.name_en if language == "en" else programme.name_nl
        title, body = title.replace(PLACEHOLDER, name), body.replace(PLACEHOLDER, name)
    return DefaultText(title=title.strip(), body=body.strip(), checklist=checklist.strip())
