"""Command line of the MDM API simulator.

    python tests/simulator --port PORT [--host 127.0.0.1] [--devices N] [--seed SEED]
        [--latency-ms MS] [--simplemdm-api-key K] [--esper-api-key K] [--micromdm-api-key K]
        [--abm-client-id ID] [--asm-client-id ID] [--abm-key-id KID] [--abm-public-key FILE]
        [--abm-private-key-out FILE] [--abm-token-ttl SECONDS] [--abm-activity-seconds S]
        [--exit-with-parent]

Prints one JSON line with the base URLs and credentials once it is listening, then serves
until SIGTERM or SIGINT (or, with --exit-with-parent, until the process that started it is
gone).  Port 0 picks a free port.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading

if not __package__:  # run as `python tests/simulator`: import the directory as package "simulator"
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    __package__ = "simulator"

from . import abm, esper, micromdm, simplemdm, tls  # noqa: E402
from .server import Options, create_server  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python tests/simulator", description="Local MDM API simulator")
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--devices", type=int, default=250, help="devices per vendor (default 250)")
    parser.add_argument("--seed", type=int, default=1, help="fleet generation seed (default 1)")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="delay added to every API request, in milliseconds (default: %(default)s)")
    # Credentials the simulator accepts; the defaults are documented in README.md too.
    parser.add_argument("--simplemdm-api-key", default=simplemdm.DEFAULT_API_KEY,
                        help="SimpleMDM API key (HTTP Basic user) (default: %(default)s)")
    parser.add_argument("--esper-api-key", default=esper.DEFAULT_API_KEY,
                        help="Esper API key (Bearer token) (default: %(default)s)")
    parser.add_argument("--micromdm-api-key", default=micromdm.DEFAULT_API_KEY,
                        help="MicroMDM / NanoMDM API key (HTTP Basic password) (default: %(default)s)")
    parser.add_argument("--abm-client-id", default=abm.DEFAULT_CLIENT_ID,
                        help="Apple Business Manager API account client ID (default: %(default)s)")
    parser.add_argument("--asm-client-id", default=abm.DEFAULT_SCHOOL_CLIENT_ID,
                        help="Apple School Manager API account (same key as the ABM one) (default: %(default)s)")
    parser.add_argument("--abm-key-id", default=abm.DEFAULT_KEY_ID,
                        help="key ID the client assertion must name (default: %(default)s)")
    parser.add_argument("--abm-public-key", metavar="FILE",
                        help="PEM public (or private) key registered for the client; default: generate a pair")
    parser.add_argument("--abm-private-key-out", metavar="FILE",
                        help="where to write the generated private key (default: a temporary file)")
    parser.add_argument("--abm-token-ttl", type=int, default=300, help="access token lifetime (default 300 s)")
    parser.add_argument("--abm-activity-seconds", type=float, default=2.0,
                        help="time an orgDeviceActivity stays IN_PROGRESS (default 2 s)")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when the process that started this one is gone (the test harness sets it: "
                             "ansible-test runs each unit test in a forked process that exits without "
                             "tearing down its fixtures, which would otherwise leave one simulator per test)")
    tls.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.devices < 0:
        parser.error("--devices must be >= 0")
    return args


def load_public_key(path):
    from cryptography.hazmat.primitives import serialization

    with open(path, "rb") as handle:
        pem = handle.read()
    if b"PRIVATE KEY" in pem:
        return serialization.load_pem_private_key(pem, password=None).public_key()
    return serialization.load_pem_public_key(pem)


def write_private_key(path, pem):
    """Write the key readable by the owner only; a temporary file when no path is given."""
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    else:
        fd, path = tempfile.mkstemp(prefix="mdmkit-sim-abm-", suffix=".pem")
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)
    return os.path.abspath(path)


def main(argv=None):
    args = parse_args(argv)
    temporary_key = None
    if args.abm_public_key:
        public_key, private_key_path = load_public_key(args.abm_public_key), None
    else:
        from cryptography.hazmat.primitives import serialization

        private_pem, public_pem = abm.generate_key_pair()
        public_key = serialization.load_pem_public_key(public_pem)
        private_key_path = write_private_key(args.abm_private_key_out, private_pem)
        temporary_key = None if args.abm_private_key_out else private_key_path

    options = Options(**dict(vars(args), abm_public_key=public_key, abm_private_key_path=private_key_path))
    server = create_server(options)
    host, port = server.server_address[:2]
    url = "%s://%s:%d" % (tls.wrap(server, args), "127.0.0.1" if host in ("0.0.0.0", "") else host, port)

    parent = os.getppid()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, name="simulator", daemon=True).start()
    print(json.dumps({
        "url": url, "pid": os.getpid(), "devices": args.devices, "seed": args.seed,
        "simplemdm_base_url": url + "/simplemdm/api/v1", "simplemdm_api_key": args.simplemdm_api_key,
        "abm_base_url": url + "/abm", "asm_base_url": url + "/asm", "abm_token_url": url + "/abm/auth/oauth2/token",
        "abm_client_id": args.abm_client_id, "asm_client_id": args.asm_client_id, "abm_key_id": args.abm_key_id,
        "abm_private_key_path": private_key_path,
        "esper_base_url": url + "/esper/api", "esper_api_key": args.esper_api_key, "esper_tenant": esper.TENANT,
        "micromdm_url": url + "/micromdm", "micromdm_api_key": args.micromdm_api_key,
    }), flush=True)
    while not stop.wait(0.5):
        if args.exit_with_parent and os.getppid() != parent:  # orphaned: re-parented to init
            break
    server.shutdown()
    server.server_close()
    if temporary_key:
        os.unlink(temporary_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
