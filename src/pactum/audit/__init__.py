"""The tamper-evident audit trail: appending, verifying and exporting."""
