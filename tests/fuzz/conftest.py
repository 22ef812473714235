"""The fuzz tests of bodies and forms run on the concurrency harness's committed world."""

from tests.concurrency.conftest import harness

__all__ = ["harness"]
