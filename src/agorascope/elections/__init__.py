"""Elections: poll aggregation and correlated Electoral College simulation."""
