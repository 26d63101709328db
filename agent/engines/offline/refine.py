"""How the offline engine sharpens the classifier's guess with the conversation: a time
said while times are offered is a pick, a question about one of the vehicles shown is about
that vehicle, a follow-up continues the topic, a correction moves the booking."""

from __future__ import annotations

import re
from dataclasses import replace

from agent import followups
from agent.consent import LATER
from agent.engines.offline import compose, own_booking
from agent.engines.offline.intents import HANDOFF_INTENTS
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.understand import Understanding
from agent.nlu import timewords as tw
from contracts.dialogue import Slots

SAME_TIME = re.compile(r"\b(same|usual) time\b", re.IGNORECASE)
# Asking for open times on a day or in a window ("any times sat afternoon?"): booking talk.
_ASKS_TIMES = re.compile(
    r"\b(?:any|what|which|open|available|free|got|have)\s+(?:times?|slots?|spots?|openings?)\b"
    r"|\b(?:openings?|availability)\b|\bwhen\s+(?:can|could)\s+(?:i|we)\b",
    re.IGNORECASE,
)


_CLOSING = re.compile(
    r"\b(thx|thanks|thank you|thank u|ty|tysm|bye|good ?night|nvm|never ?mind|no thanks"
    r"|just looking|maybe later|see (?:u|you|ya|yall) (?:then|there|soon|tomorrow|tmrw|later))\b",
    re.IGNORECASE,
)
_ABOUT_A_VEHICLE = re.compile(
    r"\b(price|priced|cost|costs|how much|available|availability|in stock|still (there|have|got)"
    r"|miles|mileage|asking price|(you|u|ya) asking)\b",
    re.IGNORECASE,
)


def _changes_booking(m: Understanding, slots: Slots) -> bool:
    """With a drive booked, a correction of its time or day ("actually make it 6", "no wait,
    saturday") or a new day at the same time ("can we do saturday same time") moves it."""
    if not slots.get("appointment_id") or m.when.is_empty():
        return False
    if m.reference and m.reference != slots.get("vehicle_of_interest"):
        return False  # another car: another drive
    return bool(tw.CORRECTION.search(m.text) or (m.when.day and SAME_TIME.search(m.text)))


def refine(m: Understanding, slots: Slots) -> str:
    """Let context and entities sharpen the classifier's guess."""
    intent = m.intent
    pending = slots.get("pending")
    if own := own_booking.refined(m, slots):  # "when is my appt", "push it back an hour"
        return own
    if _compares(m):  # "whats the difference between the first two", "which has less miles"
        return "compare"
    if m.by == "rule" or intent in HANDOFF_INTENTS:
        if intent == "reschedule" and not slots.get("appointment_id") and m.when.at:
            return "test_drive"
        if intent == "reschedule" and not slots.get("appointment_id") and m.when.is_empty():
            return "knowledge"  # "can i take the light rail instead": nothing to move
        if (
            intent == "knowledge"
            and m.wants_test_drive
            and not m.when.is_empty()
            and not m.query.is_empty()
            and not slots.get("appointment_id")
        ):  # "when do you open sunday? want to come see the pilot at 9": open times offered,
            return "test_drive"  # with the opening hour when the time is before it
        return intent
    if m.when.is_empty() and LATER.search(m.text) and (slots.get("heard") or {}).get("offered"):
        return "slot_later"  # "ok ill let u know which time": nothing booked, nothing asked
    if slots.get("handoff_reason") and _WHEN_CONTACTED.search(m.text):
        return "handoff_status"  # "when will i hear back": who follows up and when, again
    if _changes_booking(m, slots):  # "actually make it 6", "saturday same time": a move
        return "reschedule"
    if (slots.get("heard") or {}).get("picked") and intent not in ("cancel", "reschedule"):
        # "the earlier one", "first one", "the 6": one of the offered times, picked
        return "reschedule" if slots.get("rescheduling") else "test_drive"
    has_time = not m.when.is_empty()
    if pending == "ask_reschedule_time" and has_time:
        return "reschedule"
    if slots.get("rescheduling") and has_time and slots.get("offered_slots"):
        return "reschedule"
    if has_time and (
        m.wants_test_drive
        or pending in ("slot_choice", "ask_time", "offer_test_drive", "ask_vehicle")
        or intent == "test_drive"
        or _ASKS_TIMES.search(m.text)  # "any times sat afternoon?", "openings tmrw?"
        or slots.get("last_intent") == "open_now"  # "closed now" -> "ok tmrw then, like 8"
    ):
        return "test_drive"
    if m.referred_by == "stock" and intent in _ABOUT_ONE:  # "tell me about stock U2305"
        return "vehicle_details"
    if (
        m.when.day is not None  # a day or window ("tmrw am"), not "i have work at 10:30"
        and not slots.get("appointment_id")  # with a drive booked, a move says so
        and (m.query.model or m.reference)
        and intent in ("knowledge", "out_of_scope", "small_talk")
        and not _ABOUT_A_VEHICLE.search(m.text)
        and not _POLICY.search(m.text)
        and not _DEALER.search(m.text)
    ):  # "tmrw am work for the elantra?": a day and a car, asked about: a visit
        return "test_drive"
    asks_about = _asks_about_shown(m) and not m.wants_test_drive
    if asks_about and pending not in ("ask_vehicle", "slot_choice"):  # "ok, the 2nd one how much"
        return "vehicle_details"
    if _topic_follow_up(m, slots) or _joined_question(m, slots):  # "is that free?", "and u
        return "knowledge"  # store tires?" after the home delivery answer, the service hours
    closing = bool(_CLOSING.search(m.text))  # "ok thx 👍" closes the chat, accepts nothing
    # "ok what about a civic": another vehicle named after the ok, not a yes to the offer
    closing = closing or _names_another(m, slots)
    if m.affirmative and pending == "offer_check" and not closing:
        return "check_listing"  # "yes" to having someone check what the listing doesn't say
    booked = slots.get("appointment_id") and slots.get("appointment_stock") == slots.get(
        "vehicle_of_interest"
    )  # "k see u then" with this car's drive booked: an acknowledgement, not a new drive
    if m.affirmative and pending == "offer_test_drive" and booked and not has_time:
        return "small_talk"
    if m.affirmative and pending in ("offer_test_drive", "slot_choice") and not closing:
        return "test_drive"
    if pending == "ask_vehicle" and (m.reference or not m.query.is_empty()):
        return "test_drive"
    if pending == "which_vehicle" and m.reference:  # "the tacoma", answering which one
        return "vehicle_details"
    if _picks_shown(m, intent):  # "which is newest", "the 2nd one?": one of those just shown
        return "vehicle_details"
    if intent == "knowledge" and m.query.model and _ABOUT_A_VEHICLE.search(m.text):
        return "vehicle_details"  # "whats the price of the ranger": about the trucks in stock
    if _about_focus(m, slots):  # "and the price", "anything similar": the vehicle in focus
        return "vehicle_details"
    if slots.get("search") and _WHICH_OF.search(m.text) and _only_filters(m):
        return "inventory_search"  # "which ones are used?": those searched, narrowed
    if _SIMILAR.search(m.text) and slots.get("vehicles_shown") and m.query.is_empty():
        return "similar"  # "damn. anything similar" after a sold one and the closest shown
    if (
        intent == "vehicle_details"
        and not m.reference
        and _wants_list(m)
        and not m.query.is_empty()
    ):
        return "inventory_search"  # "do you have any blue ones": a list, not the one in focus
    if intent == "test_drive" and not has_time and _ASKS_ABOUT_DRIVES.match(m.text):
        return "knowledge"  # "how long is the test drive": how drives work, not a booking
    if intent == "test_drive" and not has_time and not m.wants_test_drive:
        intent = "vehicle_details" if m.reference else intent
    # Nothing like it in the examples, but a short ask for vehicles ("any EVs?? 🔌"): a search.
    # A longer unknown question about one ("how much can the tundra tow?") stays a question.
    asks_for_list = m.by == "fallback" and (_wants_list(m) or len(m.text.split()) <= 3)
    if intent in ("greeting", "small_talk", "out_of_scope", "contact_details") or asks_for_list:
        if not m.query.is_empty():  # "hey its tanya, is the santa fe still there": both
            return "vehicle_details" if m.reference and not _wants_list(m) else "inventory_search"
        if m.reference and intent == "out_of_scope" and not closing:  # "k thx": no car shown
            return "vehicle_details"
    if intent == "contact_details" and not m.contact:
        return "small_talk"
    if intent == "out_of_scope" and m.by == "fallback" and not m.contact:
        if closing:  # "OK, thanks for the info."
            return "small_talk"
        # "im active duty does that change anything" after an answer, "r ur finance ppl there
        # friday": a question for the dealership, looked up (and paged if nothing answers)
        if (followups.topic_of(slots) and followups.is_follow_up(m.text)) or _DEALER.search(m.text):
            return "knowledge"
    return intent


def _compares(m: Understanding) -> bool:
    """A comparison of vehicles asked for (`agent.comparisons`), not a handoff, a refusal or
    a booking with a time."""
    return (
        m.comparison is not None
        and m.intent not in HANDOFF_INTENTS
        and m.intent not in DECLINE_INTENTS
        and m.when.is_empty()
    )


_WHEN_CONTACTED = re.compile(
    r"\bwhen (?:will|would|do|does|can|should) (?:i|we) (?:hear|get (?:a )?(?:call|text|reply))"
    r"|\bwhen (?:will|would|is|does|do|can) (?:someone|somebody|they|he|she|the \w+|your \w+|a"
    r" \w+)(?: \w+)? (?:call|text|contact|reach|get back|reply|respond|follow up)"
    r"|^\W*(?:(?:ok|okay|k|whatever|fine|so|and|alright)\W+)*when\W*$"
    r"|\bhow long (?:until|till|til|before) (?:someone|somebody|they|i hear)",
    re.IGNORECASE,
)
_WHICH_OF = re.compile(
    r"\b(?:which|any) (?:ones?|of (?:them|those|these|em))\b"
    r"|\b(?:are|r) (?:any|all) of (?:them|those)",
    re.IGNORECASE,
)


def _only_filters(m: Understanding) -> bool:
    """A query that narrows a list (condition, colour, price, miles, features), naming no car."""
    q = m.query
    return not (q.make or q.model or q.stock) and not q.is_empty()


_ASKS_ABOUT_DRIVES = re.compile(
    r"^\W*(?:(?:and|so|ok|also|hey)\W+)*(?:how (?:long|far|many|much|does|do|is)|what(?! about)"
    r"|whats|what's|where|who|is|are|do|does|did|should|will)\b(?!.*\b(?:available|open|slots?|times?"
    r"|openings?|free|still there)\b)",
    re.IGNORECASE,
)
_ABOUT_ONE = ("inventory_search", "knowledge", "small_talk", "out_of_scope", "greeting")
# Words of the dealership's business: a message with one is not out of scope.
_DEALER = re.compile(
    r"\b(?:financ\w*|loan|lender|service|parts|warrant\w*|trade[- ]?ins?|apprais\w*|deposit|fees?"
    r"|deliver\w*|test[- ]?drives?|dealership|showroom|lot|hours|hrs|open|close[sd]?|staff"
    r"|sales(?:man|person|people)?|insurance|registration|title|paperwork|tax(?:es)?|military)\b",
    re.IGNORECASE,
)
_SIMILAR = re.compile(
    r"\b(?:any(?:thing| one|one)?|some(?:thing| one)?|other(?:s| ones?)?) (?:else )?(?:similar|like"
    r" (?:it|that|this)|comparable)\b|\bsimilar (?:ones?|cars?|trucks?|suvs?)\b",
    re.IGNORECASE,
)
_POLICY = re.compile(
    r"\b(?:fees?|deposit|deliver\w*|tax(?:es)?|warrant\w*|financ\w*|insurance|registration|trade"
    r"|hold|rates?|apr|payments?|doc)\b",
    re.IGNORECASE,
)


def _about_focus(m: Understanding, slots: Slots) -> bool:
    """A short question about the vehicle under discussion that names none ("and the price",
    "miles?", "damn. anything similar" after a sold one): about that vehicle, not the
    dealership's pages."""
    if not slots.get("vehicle_of_interest") or m.candidates:
        return False
    if not replace(m.query, features=()).is_empty() and m.reference is None:
        return False
    if _SIMILAR.search(m.text):
        return True
    short = len(m.text.split()) <= 6
    return (
        short
        and m.intent in ("knowledge", "out_of_scope", "small_talk")
        and bool(_ABOUT_A_VEHICLE.search(m.text))
        and not _POLICY.search(m.text)
    )


def _names_another(m: Understanding, slots: Slots) -> bool:
    named = m.query.make or m.query.model or m.query.body
    focus = slots.get("vehicle_of_interest")
    return bool(named) and not (focus and m.reference == focus)


def _wants_list(m: Understanding) -> bool:
    return compose.asks_for_list(m.text)


def _asks_about_shown(m: Understanding) -> bool:
    """A question about one of the vehicles just shown, picked by a fact or position ("ok
    whats the cheapest of those"), or by a description with a question about it ("the white
    one, whats the mileage"): not a yes to an offered test drive."""
    if m.referred_by in ("superlative", "ordinal"):
        return True
    return m.referred_by == "description" and bool(_ABOUT_A_VEHICLE.search(m.text))


def _topic_follow_up(m: Understanding, slots: Slots) -> bool:
    """Right after a knowledge answer, a follow-up that names no vehicle ("is that free?",
    "and how long is it") continues that topic rather than asking about the car in focus."""
    # "how much if im like 45 miles out" with no vehicle in sight: about the topic, not a car
    no_vehicle = not m.referred_by and not slots.get("vehicle_of_interest")
    return (
        (m.intent == "vehicle_details" or (m.intent == "out_of_scope" and m.by == "fallback"))
        and slots.get("last_intent") in ("knowledge", "price_breakdown")  # "i live in wasilla"
        and m.referred_by in ("", "pronoun", "context")
        and m.query.is_empty()
        and (no_vehicle or not _ABOUT_A_VEHICLE.search(m.text))
        and followups.topic_of(slots) is not None
        and followups.is_follow_up(m.text)
    )


def _joined_question(m: Understanding, slots: Slots) -> bool:
    """Right after an answer from the pages or a department's record, a question joined to it
    that names no vehicle ("and u store tires?", "do you do alignments too?") asks the
    dealership too, whatever search the classifier heard in it."""
    return (
        m.intent in ("inventory_search", "vehicle_details", "out_of_scope", "small_talk")
        and slots.get("last_intent") in ("knowledge", "dealership_info", "price_breakdown")
        and followups.topic_of(slots) is not None
        and not m.referred_by
        and m.query.is_empty()
        and not _ABOUT_A_VEHICLE.search(m.text)
        and followups.joins_last_answer(m.text)
    )


def _picks_shown(m: Understanding, intent: str) -> bool:
    """A question that picks one of the vehicles just shown by a fact or position ("which is
    cheapest", "the second one?"), or by a description when nothing else was understood."""
    if m.referred_by in ("superlative", "ordinal"):
        picks = ("knowledge", "out_of_scope", "small_talk", "greeting", "inventory_search")
        return intent in picks and not (intent == "inventory_search" and _wants_list(m))
    if m.referred_by == "description" or (m.referred_by == "pronoun" and m.candidates):
        # "what about the honda", "is it 4wd" (three shown): those shown, not a new list
        asks = ("out_of_scope", "small_talk", "greeting", "inventory_search")
        about_one = intent == "knowledge" and m.by == "fallback" and not m.query.is_empty()
        return (intent in asks or about_one) and not _wants_list(m)  # "is it 4wd"
    return False
