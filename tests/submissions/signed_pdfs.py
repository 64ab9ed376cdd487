"""Certificates and digitally signed PDFs made by the tests: a test root CA and a signer it issued, an
unrelated CA, a PDF signed with pyHanko, the same PDF changed after signing."""

from __future__ import annotations

import concurrent.futures
import datetime
import functools
import io
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.pdfs import pdf

ORGANISATION = "Sở Thông tin và Truyền thông tỉnh Quảng Nam"
SIGNER = "Nguyễn Văn A"


@dataclass(frozen=True)
class Identity:
    """A certificate with its key, and the CA certificate that issued it."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    issuer: x509.Certificate

    @property
    def issuer_pem(self) -> bytes:
        return self.issuer.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip


def _certificate(subject: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
                 issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool) -> x509.Certificate:  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
    )  # fmt: skip
    return builder.sign(issuer_key, hashes.SHA256())


@functools.cache
def signer_of(ca_name: str) -> Identity:
    """A CA named `ca_name` and the signer Nguyễn Văn A of the Quảng Nam department it issued a certificate to."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = _name(ca_name, ca_name)
    ca = _certificate(ca_subject, ca_key, ca_subject, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(_name(SIGNER, ORGANISATION), key, ca_subject, ca_key, ca=False)
    return Identity(certificate, key, ca)


def test_ca() -> Identity:
    """The trusted test CA's signer."""
    return signer_of("Cơ quan chứng thực thử nghiệm")


test_ca.__test__ = False  # type: ignore[attr-defined]  # a builder, not a test


def untrusted_ca() -> Identity:
    return signer_of("Một CA không ai tin")


def signed_pdf(identity: Identity | None = None, content: bytes | None = None) -> bytes:
    """A PDF (tests.pdfs.pdf unless given) signed by `identity` (the test CA's signer unless given)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    identity = identity or test_ca()
    der = serialization.Encoding.DER
    key = asn1_keys.PrivateKeyInfo.load(
        identity.key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(identity.certificate.public_bytes(der)),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(identity.issuer.public_bytes(der))]
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(content or pdf(1, marker="ky-so")), strict=False)
    out = io.BytesIO()
    # pyHanko signs through asyncio.run: in a thread of its own, since a browser test's thread runs a loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(signers.sign_pdf, writer, signers.PdfSignatureMetadata(field_name="ChuKy"), signer=signer,
                    output=out).result()  # fmt: skip
    return out.getvalue()


def modified_after_signing(signed: bytes) -> bytes:
    """The signed PDF with its page's content replaced in a later revision."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (Noi dung da sua) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
