"""The driver app: views (small components) in `views/`, state (observables with behaviour) in `state/`."""
