"""Customer lookup for operators: drivers and plates with anything at the operator, and what they owe."""
