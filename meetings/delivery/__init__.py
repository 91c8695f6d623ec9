"""What the application sends once an action is committed: ballot papers, results, convocations,
changes, the live quorum and reminders, through the :class:`~meetings.notifier.Notifier`.

Each send stands alone: a person the transport cannot reach is reported, never allowed to stop
the others or to undo what is already on disk.
"""
