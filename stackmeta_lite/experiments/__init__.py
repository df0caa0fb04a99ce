"""Experiments: one run as tidy rows, sweeps over many runs, their summaries, checkpoints and
the Battle-of-the-Sexes study."""
