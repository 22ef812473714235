"""P&L-share statements: the booking party prepares, the partner approves."""
