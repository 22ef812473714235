"""The ``pactum`` command line."""
