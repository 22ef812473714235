"""Cost-sharing true-ups: budgets, each party's cost lines, disputes, sign-off."""
