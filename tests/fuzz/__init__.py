"""Fuzzing harnesses and the properties they share with tests/test_fuzz.py (README.md)."""
