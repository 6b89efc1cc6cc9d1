"""What the commands share: loading the model a command names."""

from __future__ import annotations

from servicekit.model.service_model import ServiceModel
from servicekit.readwrite.load import load

__all__ = ["load_model"]


def load_model(path: str) -> ServiceModel:
    """The model at ``path``; a :class:`~servicekit.ModelError` says what is wrong with it."""
    return load(path)
