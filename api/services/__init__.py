"""The use cases: the engine over the store, each change in one transaction with its audit entry.

Routes call these; they call `api.store` to persist and `api.audit` to record.
"""
