"""Ready implementations of the ports: in memory, SQLite and PostgreSQL. The core imports none."""
