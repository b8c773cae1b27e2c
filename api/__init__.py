"""The placement service: FastAPI over the engine, with persistent runs, roles and an audit log."""
