"""Test-drive bookings beyond the store's no-double-booking rule: calendar invites (`invites`:
.ics files and the e-mail that carries them). Reminders, follow-ups and the availability
policy move here next (issue 16). Imports: contracts and crm_store only."""
