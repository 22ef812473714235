"""Uploaded files: safe local storage (DATA-3), their metadata rows, downloads."""
