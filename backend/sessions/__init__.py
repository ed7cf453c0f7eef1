"""Prepaid parking sessions: quotes, start, extend, stop, and the jobs that keep them true."""
