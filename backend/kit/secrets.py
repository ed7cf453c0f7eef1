"""Generated secrets, their stored hashes, and encryption of secrets we must be able to read back."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken


def generate_secret(prefix: str, nbytes: int = 24) -> str:
    """A random secret with a readable prefix (`whk_`, `ek_`), e.g. for webhook tokens and API keys."""
    return f"{prefix}{secrets.token_urlsafe(nbytes)}"


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest. Machine secrets are long and random, so a fast hash is safe and lets
    the key itself be the lookup (no per-request argon2)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    """What the admin view may show of a secret to tell keys apart."""
    return secret[:10]


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class SecretBox:
    """Fernet encryption keyed from the app secret, for provider credentials we must send on."""

    def __init__(self, app_secret: str) -> None:
        key = hashlib.sha256(b"parkflow-secret-box:" + app_secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError(
                "stored secret cannot be decrypted with the current PARKFLOW_SECRET_KEY"
            ) from None
