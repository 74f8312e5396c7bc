"""Audiences: who the people behind posts and survey answers are."""
