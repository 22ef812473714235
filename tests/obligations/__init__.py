"""Obligations, reminders (``pactum tick``), e-mail, notifications and calendar feeds."""
