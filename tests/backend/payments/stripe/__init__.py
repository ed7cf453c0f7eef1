"""A package on purpose: without it pytest would put the parent folder on sys.path,
and this `stripe` folder would shadow the SDK."""
