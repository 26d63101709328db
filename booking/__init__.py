"""Test-drive bookings beyond the store's no-double-booking rule: what the deployment sets
(`config.BookingConfig`: availability policy, reminder hours, quiet hours), calendar invites
(`invites`: .ics files and the e-mail that carries them; `calendar`: one appointment's file
read from the store), the follow-up jobs after a booking, move or cancellation (`follow_ups`:
the salesperson's invite, the shopper's reminders), the shopper's answers to a reminder
(`replies`) and dealership-local times (`local_time`). The availability policy itself
(`crm_store.slots.BookingPolicy`) stays in the store, whose availability queries use it.
Shopper-facing wording is passed in (`texts.Texts`). Imports: contracts and crm_store only."""
