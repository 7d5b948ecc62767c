"""The `flags` app: a meal-kit subscription behind feature flags and an A/B experiment."""
