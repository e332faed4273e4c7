"""Asista: help desk and support-contract system."""
