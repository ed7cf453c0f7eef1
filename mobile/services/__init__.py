"""All I/O of the apps: the HTTP API, token storage, the event stream, location and camera.

Each service is a Protocol with a real implementation; the state classes take them as arguments, so the
tests give them fakes.
"""
