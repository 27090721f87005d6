"""Errors raised by the de-identification code. Messages name fields, counts and ids, never values."""


class DeidError(RuntimeError):
    """Base class: de-identification cannot proceed safely (fail closed)."""


class PolicyError(DeidError):
    """The de-identification policy is missing, malformed or does not cover the data."""


class KeyMaterialError(DeidError):
    """A pseudonymisation or linkage key is missing or too weak."""


class ModelIntegrityError(DeidError):
    """The pinned NER model is missing or its files do not match the policy hash."""
