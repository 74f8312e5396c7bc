"""Audience analytics: who the accounts are (traits, lift, overlap)."""
