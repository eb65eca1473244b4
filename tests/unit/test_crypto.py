"""TokenCipher: refresh tokens stay readable across key rotation and tampering is caught."""
from __future__ import annotations

import pytest

from introducer.auth.crypto import CipherError, TokenCipher

SECRET = b"1//0refresh-token-for-ann@example.com"


def test_a_secret_round_trips_and_is_not_stored_in_clear():
    cipher = TokenCipher([TokenCipher.generate_key()])
    blob = cipher.encrypt(SECRET)
    assert SECRET not in blob
    assert cipher.decrypt(blob) == SECRET


def test_an_old_blob_stays_readable_after_a_new_key_is_put_in_front():
    old_key, new_key = TokenCipher.generate_key(), TokenCipher.generate_key()
    blob = TokenCipher([old_key]).encrypt(SECRET)
    assert TokenCipher([new_key, old_key]).decrypt(blob) == SECRET


def test_new_blobs_are_written_with_the_first_key():
    old_key, new_key = TokenCipher.generate_key(), TokenCipher.generate_key()
    blob = TokenCipher([new_key, old_key]).encrypt(SECRET)
    assert TokenCipher([new_key]).decrypt(blob) == SECRET
    with pytest.raises(CipherError):
        TokenCipher([old_key]).decrypt(blob)


def test_a_rotated_blob_is_readable_with_the_new_key_alone():
    old_key, new_key = TokenCipher.generate_key(), TokenCipher.generate_key()
    blob = TokenCipher([old_key]).encrypt(SECRET)
    rotated = TokenCipher([new_key, old_key]).rotate(blob)
    assert TokenCipher([new_key]).decrypt(rotated) == SECRET
    with pytest.raises(CipherError):
        TokenCipher([old_key]).decrypt(rotated)


def test_a_tampered_blob_raises_cipher_error():
    cipher = TokenCipher([TokenCipher.generate_key()])
    blob = bytearray(cipher.encrypt(SECRET))
    blob[-5] ^= 0x01
    with pytest.raises(CipherError):
        cipher.decrypt(bytes(blob))


def test_a_blob_under_an_unknown_key_raises_cipher_error():
    blob = TokenCipher([TokenCipher.generate_key()]).encrypt(SECRET)
    with pytest.raises(CipherError):
        TokenCipher([TokenCipher.generate_key()]).decrypt(blob)


def test_rotating_a_blob_no_key_opens_raises_cipher_error():
    blob = TokenCipher([TokenCipher.generate_key()]).encrypt(SECRET)
    with pytest.raises(CipherError):
        TokenCipher([TokenCipher.generate_key()]).rotate(blob)


def test_the_setting_is_a_comma_separated_list_with_the_encrypting_key_first():
    old_key, new_key = TokenCipher.generate_key(), TokenCipher.generate_key()
    blob = TokenCipher([old_key]).encrypt(SECRET)
    cipher = TokenCipher.from_setting(f" {new_key} , {old_key} ,")
    assert cipher.decrypt(blob) == SECRET
    assert TokenCipher([new_key]).decrypt(cipher.encrypt(SECRET)) == SECRET


@pytest.mark.parametrize("setting", ["", " , ", "not-a-fernet-key"])
def test_an_empty_or_malformed_setting_is_refused(setting):
    with pytest.raises(ValueError):
        TokenCipher.from_setting(setting)


def test_the_refusal_does_not_echo_the_bad_key():
    with pytest.raises(ValueError) as caught:
        TokenCipher(["hunter2-secret-value"])
    assert "hunter2" not in str(caught.value)
