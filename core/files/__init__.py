"""Files on orders: kinds, size rules, storage keys and durable uploads."""
