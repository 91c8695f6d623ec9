"""Minutes (procès-verbal) of a meeting, and the record of a written consultation.

One-way layers, each importing only those above it:

- :mod:`~meetings.minutes.model`: what minutes and records hold, as plain frozen values.
- :mod:`~meetings.minutes.builder`: the database to the model (:func:`build_minutes`,
  :func:`build_consultation_record`), through the stores, :mod:`meetings.scope` and
  :mod:`meetings.presence`; nothing is taken from a bot's memory.
- :mod:`~meetings.minutes.blocks`: neutral document blocks (headings, fields, tables,
  signatures...) carrying finished text.
- :mod:`~meetings.minutes.document`: the model to blocks, every word through the catalog,
  with :mod:`~meetings.minutes.session_fields`, :mod:`~meetings.minutes.presence_tables`
  and :mod:`~meetings.minutes.results` for its sections and :mod:`~meetings.minutes.labels`
  for the phrases they share. French by default, any catalog language on request.
- :mod:`~meetings.minutes.markdown` and :mod:`~meetings.minutes.pdf`: blocks to Markdown and
  to A4 pages, so the two formats cannot disagree.

Callers import from the submodules.
"""
