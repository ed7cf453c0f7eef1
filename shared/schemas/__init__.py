"""The HTTP contract as pydantic models, used by the backend (response_model) and the apps."""
