"""Start the reference host on 127.0.0.1: ``python -m examples.webhost [--port N]``."""

import argparse
import os

from examples.webhost.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.webhost", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--database",
        default=os.environ.get("CONTACTBOOK_DATABASE", "webhost.sqlite3"),
        help="an SQLite file, or a postgresql:// URL (needs contactbook[postgres])",
    )
    options = parser.parse_args()
    app = create_app(options.database)
    where = "PostgreSQL" if "://" in options.database else options.database  # no password shown
    print(f"contactbook reference host on http://127.0.0.1:{options.port}/ ({where})")
    # One request at a time: a reference host, not a production server.
    app.run(host="127.0.0.1", port=options.port, threaded=False)


if __name__ == "__main__":
    main()
