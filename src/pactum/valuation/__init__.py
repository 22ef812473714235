"""Deal valuation: exact rNPV, Monte Carlo and fair-split solving.

Pure: NumPy and Numba only; nothing here imports the web application.
"""
