"""The demo data of `parkflow demo`: the onboarding file and its generator."""
