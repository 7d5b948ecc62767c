"""The `admin` app: a back-office customer-records admin (React + Ant Design)."""
