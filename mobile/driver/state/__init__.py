"""The driver app's state: `@ft.observable` dataclasses whose methods call the services (Protocols).

Views read them and call their methods; nothing here knows about controls, so plain pytest with fake
services tests every rule.
"""
