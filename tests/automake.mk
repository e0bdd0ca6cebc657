# tests: TAP unit tests (C) and integration tests (shell).
