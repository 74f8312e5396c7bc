"""The watch domain: sources, the safe fetcher, the scheduler, watches and alerts."""
