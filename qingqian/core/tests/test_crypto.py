"""Known-answer tests: SM3 (GB/T 32905-2016 Appendix A), SM4 (GB/T 32907-2016 Appendix A),
SM4-GCM (RFC 8998 Appendix A.1), and the field encryption built on them."""

import pytest

from qingqian.core import crypto

SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")


def test_sm3_example_1_of_gbt_32905_abc() -> None:
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_example_2_of_gbt_32905_512_bits() -> None:
    assert crypto.sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm4_example_1_of_gbt_32907_one_block() -> None:
    assert crypto.sm4_ecb_encrypt_block(SM4_KEY, SM4_KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_example_2_of_gbt_32907_a_million_rounds() -> None:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()  # noqa: S305 - KAT
    block = SM4_KEY
    for _ in range(1_000_000):
        block = encryptor.update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


def test_sm4_gcm_vector_of_rfc_8998() -> None:
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    ciphertext, tag = crypto.sm4_gcm_encrypt(key, iv, plaintext, aad)
    assert ciphertext.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    assert crypto.sm4_gcm_decrypt(key, iv, ciphertext, tag, aad) == plaintext


def test_hmac_sm3_is_keyed() -> None:
    assert crypto.hmac_sm3_hex(b"k1", b"13812345678") != crypto.hmac_sm3_hex(b"k2", b"13812345678")
    assert len(crypto.hmac_sm3(b"k", b"x")) == 32


@pytest.fixture
def two_keys(settings):
    settings.PII_KEYS = "old1:" + "11" * 16 + ",new2:" + "22" * 16
    settings.PII_ACTIVE_KEY_ID = "old1"
    crypto.reset_keyring()
    yield settings
    crypto.reset_keyring()


def test_field_ciphertext_names_its_key_and_decrypts_after_rotation(two_keys) -> None:
    stored = crypto.encrypt_text("13812345678", aad="registry.enterprise.contact_phone")
    assert stored.startswith("sm4gcm:v1:old1:") and "13812345678" not in stored
    two_keys.PII_ACTIVE_KEY_ID = "new2"
    crypto.reset_keyring()
    assert crypto.key_id_of(crypto.encrypt_text("x", aad="a")) == "new2"
    assert crypto.decrypt_text(stored, aad="registry.enterprise.contact_phone") == "13812345678"


def test_tampered_or_moved_ciphertext_is_refused(two_keys) -> None:
    stored = crypto.encrypt_text("13812345678", aad="registry.enterprise.contact_phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(stored, aad="accounts.user.phone")  # copied into another column
    flipped = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(flipped, aad="registry.enterprise.contact_phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(stored.replace(":old1:", ":gone9:"), aad="registry.enterprise.contact_phone")
