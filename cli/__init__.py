"""The `placement` command: above the engine (`optimizer`) and the service (`api`)."""
