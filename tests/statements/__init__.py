"""Tests of quarterly statements."""
