"""National (商用密码) cryptography: SM3 hashes, HMAC-SM3, SM4-GCM, and the key ring.

Implemented with `cryptography` (OpenSSL's SM3 and SM4; GCM mode for SM4 as in RFC 8998) — verified
by the GB/T 32905 (SM3), GB/T 32907 (SM4) and RFC 8998 (SM4-GCM) known-answer tests in
`qingqian/core/tests/test_crypto.py`.

Keys (GB/T 39786-2021 §8.4 data security; key management in docs/security.md):

- **Data keys** (SM4, 128-bit) for personal data at rest: `PII_KEYS="k1:<32 hex>,k2:<32 hex>"` or a key
  file `PII_KEY_FILE` with one `id hex` per line; `PII_ACTIVE_KEY_ID` names the key new values are
  encrypted with. Every ciphertext carries its key id, so old keys keep decrypting until
  `manage.py rotate_pii_key` has re-encrypted everything.
- **Index key** (`PII_INDEX_KEY`, HMAC-SM3) for blind indexes of searchable personal fields.
- **Anchor key** (`AUDIT_ANCHOR_KEY`, HMAC-SM3) seals the audit chain's periodic anchors.

Outside production, missing keys are generated once into `var/keys/` (like the local SECRET_KEY).
Production refuses to start without them (config/production_checks.py).
"""

from __future__ import annotations

import base64
import functools
import hmac as std_hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CIPHERTEXT_PREFIX = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 16


class DecryptionError(Exception):
    """A stored ciphertext could not be decrypted: unknown key id, wrong key, or tampered data."""


# --- SM3 -------------------------------------------------------------------------------------


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    return hmac_sm3(key, data).hex()


def constant_time_equal(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a.encode(), b.encode())


# --- SM4 -------------------------------------------------------------------------------------


def sm4_ecb_encrypt_block(key: bytes, block: bytes) -> bytes:
    """One raw SM4 block (for the known-answer test only; never used to protect data)."""
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - KAT only
    return encryptor.update(block) + encryptor.finalize()


def sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> tuple[bytes, bytes]:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return ciphertext, encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, tag: bytes, aad: bytes = b"") -> bytes:
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        decryptor.authenticate_additional_data(aad)
    return decryptor.update(ciphertext) + decryptor.finalize()


# --- Key ring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRing:
    data_keys: dict[str, bytes]
    active_key_id: str
    index_key: bytes
    anchor_key: bytes

    @property
    def active_key(self) -> bytes:
        return self.data_keys[self.active_key_id]


def _parse_hex_key(name: str, value: str, size: int = KEY_BYTES) -> bytes:
    try:
        key = bytes.fromhex(value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be hexadecimal") from exc
    if len(key) < size:
        raise ImproperlyConfigured(f"{name} must be at least {size} bytes ({size * 2} hex characters)")
    return key


def _parse_data_keys(raw: str, source: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in raw.replace("\n", ",").split(","):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        key_id, _sep, hex_key = item.replace(" ", ":", 1).partition(":")
        key_id = key_id.strip()
        if not key_id or ":" in key_id or not key_id.isalnum():
            raise ImproperlyConfigured(f"{source}: key ids are letters and digits, got {key_id!r}")
        key = _parse_hex_key(f"{source} key {key_id}", hex_key)
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(f"{source}: SM4 keys are 16 bytes (32 hex characters)")
        keys[key_id] = key
    return keys


def _local_secret(name: str, size: int) -> bytes:
    """Outside production: a key generated once under var/keys/ (never used in production)."""
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(f"{name} must be configured in production")
    folder = Path(settings.VAR_DIR) / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name.lower()
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(size))
    return bytes.fromhex(path.read_text().strip())


@functools.cache
def keyring() -> KeyRing:
    data_keys: dict[str, bytes] = {}
    if settings.PII_KEYS:
        data_keys.update(_parse_data_keys(settings.PII_KEYS, "PII_KEYS"))
    if settings.PII_KEY_FILE:
        path = Path(settings.PII_KEY_FILE)
        if not path.exists():
            raise ImproperlyConfigured(f"PII_KEY_FILE {path} does not exist")
        data_keys.update(_parse_data_keys(path.read_text(), "PII_KEY_FILE"))
    if not data_keys:
        data_keys = {"local1": _local_secret("PII_LOCAL1", KEY_BYTES)}
    active = settings.PII_ACTIVE_KEY_ID or sorted(data_keys)[-1]
    if active not in data_keys:
        raise ImproperlyConfigured(f"PII_ACTIVE_KEY_ID {active!r} is not among the configured keys")
    index_key = (
        _parse_hex_key("PII_INDEX_KEY", settings.PII_INDEX_KEY)
        if settings.PII_INDEX_KEY
        else _local_secret("PII_INDEX_KEY", 32)
    )
    anchor_key = (
        _parse_hex_key("AUDIT_ANCHOR_KEY", settings.AUDIT_ANCHOR_KEY)
        if settings.AUDIT_ANCHOR_KEY
        else _local_secret("AUDIT_ANCHOR_KEY", 32)
    )
    return KeyRing(data_keys=data_keys, active_key_id=active, index_key=index_key, anchor_key=anchor_key)


def reset_keyring() -> None:
    """Forget the cached keys (tests that change key settings; the rotation command)."""
    keyring.cache_clear()


# --- Field-level encryption ------------------------------------------------------------------


def is_ciphertext(value: str) -> bool:
    return isinstance(value, str) and value.startswith(CIPHERTEXT_PREFIX + ":")


def key_id_of(value: str) -> str:
    return value.split(":", 3)[2] if is_ciphertext(value) else ""


def encrypt_text(plaintext: str, *, aad: str) -> str:
    """`sm4gcm:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`, bound to its column by `aad`."""
    ring = keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext, tag = sm4_gcm_encrypt(ring.active_key, nonce, plaintext.encode(), aad.encode())
    blob = base64.urlsafe_b64encode(nonce + ciphertext + tag).decode().rstrip("=")
    return f"{CIPHERTEXT_PREFIX}:v1:{ring.active_key_id}:{blob}"


def decrypt_text(stored: str, *, aad: str) -> str:
    if not is_ciphertext(stored):
        raise DecryptionError("not an SM4-GCM ciphertext")
    try:
        _prefix, _version, key_id, blob = stored.split(":", 3)
    except ValueError as exc:
        raise DecryptionError("malformed ciphertext") from exc
    key = keyring().data_keys.get(key_id)
    if key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("truncated ciphertext")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    try:
        return sm4_gcm_decrypt(key, nonce, body, tag, aad.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("authentication tag mismatch (wrong key or tampered value)") from exc


def blind_index(kind: str, normalised: str) -> str:
    """Keyed HMAC-SM3 of a normalised value: equal values → equal index, without the key nothing."""
    if not normalised:
        return ""
    return hmac_sm3_hex(keyring().index_key, f"{kind}\x1f{normalised}".encode())[:40]
