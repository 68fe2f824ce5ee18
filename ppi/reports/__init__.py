"""Monitoring and evaluation: indicators per audience, their exports, and the open data."""
