"""Local peers speaking outside services' real protocols (SMS providers, SMTP), for the sandbox
and the tests."""
