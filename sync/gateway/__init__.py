"""The county gateway (前置交换): receives desks' events, stores them once, signs receipts.
HTTP in `app`, storage in `store`, the tables in `schema`, the admin commands in `cli`."""
