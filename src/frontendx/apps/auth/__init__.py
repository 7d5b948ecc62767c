"""The `auth` app: an account portal (sign-up, sign-in, two-step, reset, sessions, admin)."""
