"""Every sentence a person reads, in one place.

- :mod:`~meetings.wording.i18n`: the gettext catalog (``locale/<lang>/LC_MESSAGES/scrutin.po``)
  and the translator of one language; messages are written in English in the code.
- :mod:`~meetings.wording.formats`: numbers, weights, dates and names, through Babel.
- :mod:`~meetings.wording.typography`: French spacing rules, applied to every translation.
- :mod:`~meetings.wording.explain`: the sentences that explain a tally.
- :mod:`~meetings.wording.refusals`: each refused operation's code and what it says.
- :mod:`~meetings.wording.messages`: the bot's messages, from domain values to text and buttons.
"""
