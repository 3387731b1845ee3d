"""Built-in readers and writers. Each module is a plugin registered through the public hooks."""
