"""Enforcement for operators' officers (`x-api-key`): plate checks and the paid-plates list."""
