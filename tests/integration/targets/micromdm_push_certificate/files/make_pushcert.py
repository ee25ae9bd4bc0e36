"""Write test APNs push certificates into the directory given: push.pem (subject UID = the topic),
push.key (its unencrypted key), other.key (another key) and notopic.pem (no UID), all self-signed."""

import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

TOPIC = "com.apple.mgmt.External.e3b8ceac-1f18-2c8e-8a63-dd17d99435d9"
NOT_AFTER = datetime.datetime(2031, 1, 7, 4, 4, 46, tzinfo=datetime.timezone.utc)


def certificate(key, attributes):
    name = x509.Name(attributes)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
            .not_valid_after(NOT_AFTER).sign(key, hashes.SHA256()))


def write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def main(out):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    push = certificate(key, [x509.NameAttribute(NameOID.USER_ID, TOPIC),
                             x509.NameAttribute(NameOID.COMMON_NAME, "APSP:e3b8ceac")])
    notopic = certificate(key, [x509.NameAttribute(NameOID.COMMON_NAME, "not a push certificate")])
    write(os.path.join(out, "push.pem"), push.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(out, "notopic.pem"), notopic.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(out, "push.key"), key_pem(key))
    write(os.path.join(out, "other.key"), key_pem(other))


if __name__ == "__main__":
    main(sys.argv[1])
