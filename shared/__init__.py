"""Pure-Python core shared by the backend and the apps: no I/O, no framework imports."""
