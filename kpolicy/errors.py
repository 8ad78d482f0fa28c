"""User-facing errors.

Anything a user can cause (a bad path, a malformed catalog, an unknown region) raises
:class:`KpolicyError` with a one-line message that says what is wrong and, where it
helps, what the valid values are. The CLI prints such errors as one line and exits
non-zero; any other exception is a bug in kpolicy.
"""


class KpolicyError(Exception):
    """An error caused by input or parameters, with a message meant for the user."""


class SchemaError(KpolicyError):
    """A table does not match its declared schema (a bug in a transform, usually)."""


class NotApplicable(KpolicyError):
    """A notebook run that cannot apply to this corpus (e.g. a comparison of regions the
    corpus has fewer than two of). The batch reports it as skipped, not failed."""
