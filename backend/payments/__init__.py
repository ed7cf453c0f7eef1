"""Payments: processor gateways (`payments.gateways`) and, later, the charge workflow around them."""
