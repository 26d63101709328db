"""The CRM store: the only package that talks to the database.

Owns: SQLAlchemy models, Alembic migrations, the unit of work, and small typed service
functions (dealerships, staff, customers, consent, conversations, messages, vehicles,
appointments, handoffs, timeline events, knowledge texts, API tokens, the audit log,
console sign-in links, sessions and password hashes, the staff inbox's state, internal
notes and canned replies) that return plain dataclasses (`crm_store.records` and their
own), never ORM objects. Imports: the standard library, SQLAlchemy, Alembic, phonenumbers
and `contracts`; nothing from the other Nightshift packages.
"""

from crm_store.db import Store
from crm_store.uow import UnitOfWork

__all__ = ["Store", "UnitOfWork"]
