"""The alliance charter: shared objectives and each party's private positions."""
