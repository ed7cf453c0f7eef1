"""The support worlds' operators (`alpha`, `bravo`) serve here too."""

from tests.backend.support.conftest import alpha, bravo

__all__ = ["alpha", "bravo"]
