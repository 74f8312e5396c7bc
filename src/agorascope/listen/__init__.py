"""Listening analytics: volume, breakdowns, spikes, cascades, trends, coordination."""
