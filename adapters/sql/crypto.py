"""Keys for data at rest (P3, P12): AES-GCM for documents, HMAC for finding a person.

`Sealer` encrypts a stored document with AES-256-GCM, binding it to its table and
record id as associated data, so that a flipped byte, or a document copied onto another
record, fails to open with `RecordTampered`. A sealed value is
`version (1 byte) | nonce (12 bytes) | ciphertext and tag`; the version byte leaves room
for a second key during a rotation.

`PersonKey` turns a resident ID number into a keyed hash (HMAC-SHA256). A plain hash of
an 18-character ID with a known structure can be reversed by enumerating birth dates and
serials; without the key it cannot. Lookups by person and the one-open-case index use it.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.identity import ResidentId
from ports.errors import StorageError

KEY_BYTES = 32  # AES-256 and a 256-bit HMAC key
_VERSION = b"\x01"
_NONCE_BYTES = 12


class RecordTampered(StorageError):
    """A stored record failed its integrity check: changed outside the application."""

    code = "record_tampered"

    def __init__(self, where: str) -> None:
        super().__init__(f"{where}: stored data failed its integrity check")
        self.where = where


def _checked_key(key: bytes, what: str) -> bytes:
    if len(key) != KEY_BYTES:
        raise ValueError(f"the {what} must be {KEY_BYTES} bytes")
    return key


class Sealer:
    """Encrypts and authenticates documents with one AES-256-GCM key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(_checked_key(key, "data key"))

    def seal(self, plaintext: bytes, *, table: str, record_id: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, _associated(table, record_id))
        return _VERSION + nonce + sealed

    def open(self, token: bytes, *, table: str, record_id: str) -> bytes:
        where = f"{table} {record_id}"
        if token[:1] != _VERSION:
            raise RecordTampered(where)
        nonce, sealed = token[1 : 1 + _NONCE_BYTES], token[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, _associated(table, record_id))
        except InvalidTag:
            raise RecordTampered(where) from None


class PersonKey:
    """The keyed hash of a resident ID number, as stored and looked up."""

    def __init__(self, key: bytes) -> None:
        self._key = _checked_key(key, "person key")

    def of(self, person: ResidentId) -> str:
        digest = hmac.new(self._key, person.reveal().encode("ascii"), hashlib.sha256)
        return digest.hexdigest()


def _associated(table: str, record_id: str) -> bytes:
    return f"jiuzhu/{table}/{record_id}".encode()


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)
