"""Running the whole system: settings, the local and production runners, the one
supervisor, the action server, logs and file modes."""
