"""The error every app's rules raise; its message is shown to the user as is."""


class DomainError(Exception):
    """An action that the rules refuse; its message is shown to the user as is."""
