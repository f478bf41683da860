#!/usr/bin/python3
"""Independent cross-check of teepsim's generated draft26 signed TEEP vectors.

Uses only cbor2 + cryptography (not teepsim code). For each <name>.cbor in DIR:
  * parses COSE_Sign1 (tag 18) / COSE_Sign (tag 98), rebuilds the Sig_structure itself and
    verifies every signature (ESP256 -9 with the libteep TAM P-256 key, Ed25519 -19 with the
    RFC 8032 test-vector-1 key);
  * checks kid == RFC 9679 thumbprint computed here;
  * re-signs every signature here (Ed25519; ECDSA with an own RFC 6979 nonce) and compares
    bytes, so the deterministic signatures are reproduced, not only verified;
  * checks the payload equals the draft26 Appendix D example named in MANIFEST.
Usage: crosscheck_signed.py VECTOR_OUT_DIR VECTORS_DIR (tests/vectors) ; exit 0 when all pass.
"""
import hashlib
import hmac
import os
import sys

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")

# generated file -> the draft26 example that must be its payload
MANIFEST = {
    "query_request_sign1_esp256.cbor": "query_request.cbor",
    "query_request_sign_esp256_ed25519.cbor": "query_request.cbor",
    "query_response_sign1_ed25519.cbor": "query_response.cbor",
    "update_sign1_esp256.cbor": "update.cbor",
    "teep_success_sign1_ed25519.cbor": "teep_success.cbor",
    "teep_error_sign1_esp256.cbor": "teep_error.cbor",
}


# P-256 domain parameters, for the RFC 6979 re-signature (cryptography 38 has no
# deterministic ECDSA).
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
A = P - 3
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def ec_add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    if p1[0] == p2[0] and (p1[1] + p2[1]) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * p1[0] * p1[0] + A) * pow(2 * p1[1], -1, P) % P
    else:
        lam = (p2[1] - p1[1]) * pow(p2[0] - p1[0], -1, P) % P
    x = (lam * lam - p1[0] - p2[0]) % P
    return x, (lam * (p1[0] - x) - p1[1]) % P


def ec_mul(k, pt):
    acc = None
    while k:
        if k & 1:
            acc = ec_add(acc, pt)
        pt = ec_add(pt, pt)
        k >>= 1
    return acc


def rfc6979_sign(d, msg):
    """ECDSA P-256/SHA-256 with the RFC 6979 section 3.2 nonce; returns r||s."""

    h1 = hashlib.sha256(msg).digest()
    z = int.from_bytes(h1, "big") % N
    x = d.to_bytes(32, "big")
    h = z.to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        cand = int.from_bytes(v, "big")
        if 1 <= cand < N:
            r = ec_mul(cand, G)[0] % N
            s = pow(cand, -1, N) * (int.from_bytes(h1, "big") + r * d) % N
            if r and s:
                return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def thumbprint_ec(pub):
    n = pub.public_numbers()
    key = {1: 2, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")}
    return hashlib.sha256(cbor2.dumps(key)).digest()


def thumbprint_okp(pub):
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(cbor2.dumps({1: 1, -1: 6, -2: raw})).digest()


def main(out_dir, vectors):
    with open(os.path.join(vectors, "libteep-kentakayama/key/tam_prime256v1.pem"), "rb") as f:
        pem = f.read()
    start = pem.index(b"-----BEGIN EC PRIVATE KEY-----")  # skip the EC PARAMETERS block
    p256_priv = serialization.load_pem_private_key(pem[start:], password=None)
    p256 = p256_priv.public_key()
    p256_d = p256_priv.private_numbers().private_value
    ed_priv = ed25519.Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)
    ed_pub = ed_priv.public_key()
    kids = {-9: thumbprint_ec(p256), -19: thumbprint_okp(ed_pub)}
    failures = 0
    for name, example in MANIFEST.items():
        path = os.path.join(out_dir, name)
        with open(path, "rb") as f:
            obj = cbor2.loads(f.read())
        if obj.tag == 18:
            prot, unprot, payload, sig = obj.value
            sigs = [(prot, unprot, sig, ["Signature1", prot, b"", payload])]
        elif obj.tag == 98:
            body_prot, _, payload, signers = obj.value
            sigs = [(sp, su, s, ["Signature", body_prot, sp, b"", payload]) for sp, su, s in signers]
        else:
            raise SystemExit(f"{name}: unexpected tag {obj.tag}")
        with open(os.path.join(vectors, "ietf-teep-protocol-draft26-pr420", example), "rb") as f:
            if payload != f.read():
                print(f"FAIL {name}: payload differs from {example}")
                failures += 1
        for prot_bytes, unprot, sig, structure in sigs:
            alg = cbor2.loads(prot_bytes)[1]
            tbs = cbor2.dumps(structure)
            try:
                if alg == -9:
                    der = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                               int.from_bytes(sig[32:], "big"))
                    p256.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
                    if rfc6979_sign(p256_d, tbs) != sig:
                        raise ValueError("RFC 6979 re-signature differs")
                elif alg == -19:
                    ed_pub.verify(sig, tbs)
                    if ed_priv.sign(tbs) != sig:
                        raise ValueError("Ed25519 re-signature differs")
                else:
                    raise ValueError(f"alg {alg}")
            except Exception as e:  # noqa: BLE001 - report every kind of failure
                print(f"FAIL {name} alg {alg}: {e!r}")
                failures += 1
                continue
            if unprot.get(4) != kids[alg]:
                print(f"FAIL {name} alg {alg}: kid is not the RFC 9679 thumbprint")
                failures += 1
                continue
            print(f"ok   {name} alg {alg}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
