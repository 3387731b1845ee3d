"""The version, in a module of its own so that ``govinfo-report --version`` imports nothing else."""

__version__ = "0.1.0"
