"""Support tickets, chat with drivers, disputes and their evidence, SLA figures."""
