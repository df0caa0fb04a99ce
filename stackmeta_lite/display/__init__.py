"""The book's display: figures, the in-browser panels and descriptions in words."""
