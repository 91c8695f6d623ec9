"""The database engines behind :class:`voting.db.Database`: SQLite (the embedded default)
and PostgreSQL. Everything that differs between the two lives here."""
