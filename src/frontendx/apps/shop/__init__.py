"""The `shop` app: a small store (catalog, cart, coupons, checkout, orders)."""
