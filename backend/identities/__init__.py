"""Who and what may act for an operator: users, enforcement API keys, webhook tokens."""
