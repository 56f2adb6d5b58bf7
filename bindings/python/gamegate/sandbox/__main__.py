import argparse
import signal
import sys

from .server import SandboxServer
from .state import SEED_PATH


def main():
    parser = argparse.ArgumentParser(
        prog="python3 -m gamegate.sandbox",
        description="Local Kongregate and KickApps back ends for offline development.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    parser.add_argument("--data", default=SEED_PATH, help="seed data (JSON)")
    parser.add_argument("--verbose", action="store_true", help="log each request's path")
    args = parser.parse_args()

    server = SandboxServer((args.host, args.port), args.data, args.verbose)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("gamegate sandbox listening on %s (data: %s)" % (server.url, args.data), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
