"""Obligations with due-date rules, reminders (``pactum tick``) and calendar feeds."""
