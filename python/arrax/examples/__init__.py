"""Runnable examples: ``python -m arrax.examples.digits`` (the main job) and
``python -m arrax.examples.regression``."""
