"""The relatiedesk: public pages per programme (and a general one) for parents, children 7-12
and teenagers, with the children's checklist; the programme manager edits their texts.

Place in the layering: the texts describe a programme (DESIGN.md), so this app stands directly
on `programmes` and imports nothing else of ours; it links to the enrolment only by URL name
(`enrol-start`), never by import. It is an app of its own rather than more of `programmes`
because its texts, versions and public pages are a noun of their own with their own readers
(parents and children, not staff); nothing below it imports it.
"""
