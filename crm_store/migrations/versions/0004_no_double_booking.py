"""no double booking, enforced by the database

PostgreSQL: exclusion constraints (btree_gist) over each appointment's time range, per
vehicle and per salesperson, for every appointment that is not cancelled. SQLite has no
exclusion constraints: triggers refuse an insert or update that would overlap, the same rule.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "slot taken: appointment overlaps another of the same vehicle or salesperson"
OVERLAP = """
    SELECT RAISE(ABORT, '{message}')
    WHERE EXISTS (
        SELECT 1 FROM appointments AS a
        WHERE a.status != 'cancelled' {other}
          AND (a.vehicle_id = NEW.vehicle_id
               OR (NEW.staff_id IS NOT NULL AND a.staff_id = NEW.staff_id))
          AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
    );
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_vehicle_time "
            "EXCLUDE USING gist (vehicle_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status <> 'cancelled')"
        )
        op.execute(
            "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_staff_time "
            "EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status <> 'cancelled' AND staff_id IS NOT NULL)"
        )
        return
    op.execute(
        "CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments "
        "WHEN NEW.status != 'cancelled' BEGIN" + OVERLAP.format(message=MESSAGE, other="") + "END"
    )
    op.execute(
        "CREATE TRIGGER appointments_no_overlap_update "
        "BEFORE UPDATE OF starts_at, ends_at, vehicle_id, staff_id, status ON appointments "
        "WHEN NEW.status != 'cancelled' BEGIN"
        + OVERLAP.format(message=MESSAGE, other="AND a.id != NEW.id")
        + "END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE appointments DROP CONSTRAINT ex_appointments_staff_time")
        op.execute("ALTER TABLE appointments DROP CONSTRAINT ex_appointments_vehicle_time")
        return
    op.execute("DROP TRIGGER appointments_no_overlap_update")
    op.execute("DROP TRIGGER appointments_no_overlap_insert")
