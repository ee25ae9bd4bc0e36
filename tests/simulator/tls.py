"""HTTPS for the simulator (tests of validate_certs / ca_path).

    python tests/simulator --port 0 --tls-self-signed DIR
        generates a self-signed certificate for 127.0.0.1 and localhost with `cryptography`,
        writes DIR/cert.pem (also the CA file to give as ca_path) and DIR/key.pem (mode 0600),
        and serves HTTPS with it;
    python tests/simulator --port 0 --tls-cert FILE --tls-key FILE
        serves HTTPS with the given PEM certificate (chain) and key.

The start line's URLs then begin with https://.  The TLS handshake of each connection runs in
its handler thread (not in the accept loop), so a client that refuses the certificate only
ends its own connection.
"""

import datetime
import ipaddress
import os
import ssl
import sys


def add_arguments(parser):
    group = parser.add_argument_group("TLS")
    group.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (chain)")
    group.add_argument("--tls-key", metavar="FILE", help="the PEM private key of --tls-cert")
    group.add_argument("--tls-self-signed", metavar="DIR",
                       help="generate a self-signed certificate into DIR (cert.pem, key.pem) and serve HTTPS")


def generate_self_signed(directory, hosts=("127.0.0.1", "localhost")):
    """Write DIR/cert.pem and DIR/key.pem for `hosts`; return their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    os.makedirs(directory, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mdmkit simulator")])
    alt_names = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_path, key_path


def wrap(server, args):
    """Serve HTTPS when the TLS options ask for it; return the URL scheme ("http" or "https")."""
    cert, key = getattr(args, "tls_cert", None), getattr(args, "tls_key", None)
    if getattr(args, "tls_self_signed", None):
        cert, key = generate_self_signed(args.tls_self_signed)
    if not cert:
        return "http"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    report = server.handle_error

    def handle_error(request, client_address):
        if not isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError)):  # a refused certificate is no bug
            report(request, client_address)

    server.handle_error = handle_error
    return "https"
