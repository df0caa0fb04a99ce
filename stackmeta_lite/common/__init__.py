"""Shared plumbing: argument checks, the run budget and output files written atomically."""
