"""argparse types the commands share: bad input is a clear message and exit code 2."""

import argparse


def _whole(value: str, minimum: int, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise argparse.ArgumentTypeError(f"expected {what}, {minimum} or more, got {value!r}")
    return number


def count(value: str) -> int:
    """A whole number, 0 or more."""
    return _whole(value, 0, "a whole number")


def day_count(value: str) -> int:
    """A whole number of days, 1 or more."""
    return _whole(value, 1, "a whole number of days")
