"""SQLAlchemy 2 typed models: the CRM's tables. Private to `crm_store`.

Every timestamp is an aware UTC datetime (`UTCDateTime`); local wall times (sales hours,
shifts) are `time` values interpreted in the dealership's IANA timezone."""

from crm_store.models.access import ApiToken, AuditEntry, SignInLink, StaffCredential, StaffSession
from crm_store.models.base import NAMING, Base
from crm_store.models.customers import (
    ChannelIdentity,
    ConsentRecord,
    Conversation,
    Customer,
    Message,
    TimelineEvent,
)
from crm_store.models.dealership import (
    Dealership,
    DealershipHours,
    KnowledgeDoc,
    Staff,
    StaffShift,
    Vehicle,
)
from crm_store.models.inbox import CannedReply, ConversationInbox, ConversationNote
from crm_store.models.outreach import Campaign, OutreachAttempt
from crm_store.models.ownership import BookValue, OwnedVehicle, VehicleFinance
from crm_store.models.signals import Alert, AlertStep, ShopperEvent, VehicleInterest, VisitorLink
from crm_store.models.work import Appointment, Handoff, HandoffStep, Job, OutboxItem

__all__ = [
    "NAMING",
    "Alert",
    "AlertStep",
    "ApiToken",
    "Appointment",
    "AuditEntry",
    "Base",
    "BookValue",
    "Campaign",
    "CannedReply",
    "ChannelIdentity",
    "ConsentRecord",
    "Conversation",
    "ConversationInbox",
    "ConversationNote",
    "Customer",
    "Dealership",
    "DealershipHours",
    "Handoff",
    "HandoffStep",
    "Job",
    "KnowledgeDoc",
    "Message",
    "OutboxItem",
    "OutreachAttempt",
    "OwnedVehicle",
    "ShopperEvent",
    "SignInLink",
    "Staff",
    "StaffCredential",
    "StaffSession",
    "StaffShift",
    "TimelineEvent",
    "Vehicle",
    "VehicleFinance",
    "VehicleInterest",
    "VisitorLink",
]
