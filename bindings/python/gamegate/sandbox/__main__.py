import argparse
import signal
import ssl
import sys

from .faults import KINDS, parse_option
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
    parser.add_argument("--fault", action="append", default=[], metavar="KIND[:COUNT][@PATH]",
                        help="break the next COUNT requests (to PATH); kinds: "
                             + ", ".join(sorted(KINDS)))
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    args = parser.parse_args()

    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    server = SandboxServer((args.host, args.port), args.data, args.verbose, context)
    for option in args.fault:
        try:
            server.faults.schedule(*parse_option(option))
        except ValueError as e:
            parser.error("--fault %s: %s" % (option, e))
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
