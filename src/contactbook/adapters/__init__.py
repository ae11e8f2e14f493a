"""Ready implementations of the ports: in memory and SQLite. The core imports none."""
