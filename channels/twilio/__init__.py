"""The Twilio SMS channel.

Owns: the inbound webhook (`POST /channels/twilio/sms`, signature-checked, answering empty
TwiML at once while the assistant's turn runs in the background), delivery status callbacks
(`POST /channels/twilio/status`, forward-only, carrier opt-outs recorded as revoked consent),
the outbound `TwilioSender` (REST `Messages.json`, permanent vs retryable failures) and GSM-7
text fitting (`gsm`). STOP/START/HELP are the pipeline's job, not this package's.

Imports: `contracts`, `crm_store` service modules, `fastapi`, `twilio`; never the agent,
`nightshift`, SQLAlchemy or the store's models and sessions.
"""

from channels.twilio.sender import TwilioSender
from channels.twilio.webhook import twilio_router

__all__ = ["TwilioSender", "twilio_router"]
