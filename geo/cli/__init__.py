"""Command line (``python -m geo``): thin adapters that parse arguments, call the layers
below and print in the chosen language. May import everything in ``geo``; nothing imports it.
"""
