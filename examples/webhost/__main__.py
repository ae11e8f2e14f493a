"""Start the reference host on 127.0.0.1: ``python -m examples.webhost [--port N]``."""

import argparse
from pathlib import Path

from examples.webhost.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.webhost", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--database", type=Path, default=Path("webhost.sqlite3"))
    options = parser.parse_args()
    app = create_app(options.database)
    print(f"contactbook reference host on http://127.0.0.1:{options.port}/ ({options.database})")
    # One request at a time: a reference host, not a production server.
    app.run(host="127.0.0.1", port=options.port, threaded=False)


if __name__ == "__main__":
    main()
