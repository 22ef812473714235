"""Money terms as exact calculations: royalty statements (more of issue 4 to come)."""
