"""Strawberry types only: thin. A field method calls a resolver and maps its record."""
