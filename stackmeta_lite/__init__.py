"""stackmeta-lite."""
