"""``python -m stackmeta_lite``: the command line (see ``stackmeta_lite.cli``)."""

from stackmeta_lite.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
