"""What the commands share: loading the model a command names, and its ``--select``."""

from __future__ import annotations

from collections.abc import Sequence

from servicekit.model.service_model import ServiceModel
from servicekit.readwrite.load import load

__all__ = ["load_model", "selection"]


def load_model(path: str) -> ServiceModel:
    """The model at ``path``; a ``ModelError`` says what is wrong with it."""
    return load(path)


def selection(model: ServiceModel, selectors: Sequence[str] | None) -> tuple[str, ...] | None:
    """What ``--select`` names (a union of its selectors), or ``None`` without it."""
    if not selectors:
        return None
    return model.chain.select(*selectors)
