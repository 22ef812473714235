"""Tests of electronic signatures (SIG-1, SIG-2)."""
