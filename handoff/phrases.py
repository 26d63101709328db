"""Word lists and regex rules for `handoff.detect` (data only; the logic lives there).

Rules match the *normalised* text built by `handoff.detect.normalise`: lower case,
apostrophes dropped and contractions expanded ("don't" -> "do not", "I'll" -> "i will"),
SMS spellings mapped ("u" -> "you", "tmrw" -> "tomorrow"), hyphens as spaces, emojis as
`emojipos`/`emojineg`/`emojirage`, and every sentence or comma boundary as a lone `|`
(commas inside numbers such as 30,000 are kept), so `[^|]` means "within the clause".

Placeholders (`<MONEY>`, `<OBJ>`, ...) are expanded before compiling. See the
`handoff.detect` docstring for the look-alike decisions and the confidence tiers.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from crm_store.types import HandoffReason


def _pairs(spec: str) -> dict[str, str]:
    """`"u:you wanna:want_to"` -> `{"u": "you", "wanna": "want to"}` ("_" is a space)."""
    return {k: v.replace("_", " ") for k, v in (item.split(":") for item in spec.split())}


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


SLANG: dict[str, str] = _pairs(
    """
    u:you ya:you yu:you yall:you ur:your r:are pls:please plz:please plez:please pleeze:please
    tmrw:tomorrow tmr:tomorrow tmw:tomorrow tomo:tomorrow tomorow:tomorrow tommorow:tomorrow
    2moro:tomorrow 2morrow:tomorrow tn:tonight 2nite:tonight tonite:tonight 2day:today
    rn:right_now nite:night wanna:want_to gonna:going_to gotta:got_to gimme:give_me lemme:let_me
    hafta:have_to kinda:kind_of imma:i_am_going_to ima:i_am_going_to tryna:trying_to
    finna:going_to im:i_am ive:i_have ill:i_will id:i_would youre:you_are youll:you_will
    youd:you_would youve:you_have dont:do_not
    doesnt:does_not didnt:did_not cant:can_not cannot:can_not wont:will_not isnt:is_not
    arent:are_not wasnt:was_not werent:were_not havent:have_not hasnt:has_not wouldnt:would_not
    couldnt:could_not shouldnt:should_not whats:what_is wats:what_is wat:what wut:what
    hows:how_is thats:that_is theres:there_is wheres:where_is whos:who_is sum1:someone
    some1:someone any1:anyone no1:no_one noone:no_one nobdy:nobody ppl:people txt:text
    fone:phone thru:through cuz:because bc:because b4:before abt:about bout:about wit:with
    w:with da:the tha:the dat:that dis:this mgr:manager mngr:manager pymt:payment pmt:payment
    pymnt:payment pymts:payments pmts:payments dwn:down thx:thanks ty:thanks mos:months
    yrs:years yr:year tradein:trade_in tradeins:trade_ins tradin:trade_in inn:in
    cosigner:co_signer cosign:co_sign preapproved:pre_approved preapproval:pre_approval
    downpayment:down_payment salesman:sales_man salesperson:sales_person
    salespeople:sales_people callback:call_back b:be
    """
)

# Key words worth correcting when mistyped (OSA distance 1, or 2 from nine letters up).
FUZZY_VOCAB: tuple[str, ...] = tuple(
    sorted(
        _words(
            """
            financing finance credit approved approval payment payments monthly deposit
            negotiate manager someone somebody human person representative trade appraisal
            appraise tomorrow tonight purchase paperwork signer interest ridiculous unacceptable
            disappointed complaint refund worth
            """
        )
    )
)
# Real words one typo away from a key word, never "corrected" (audited against an English
# word list: "curious" is not "furious", "acceptable" is not "unacceptable").
FUZZY_KEEP = _words(
    """
    curious fiance fiancee financial finances grade graded grades trace traced tirade managed
    manages manger parson toady broker prison reason season refind north forth worthy wroth
    sales salsa sale salt humor humid perso trades traded trader purchased credits signed
    singer negotiable acceptable compliant representation pearson intercept intersect hunan
    """
)

EMOJI: dict[str, str] = {
    **dict.fromkeys("😡🤬😠👿💢", "emojirage"),
    **dict.fromkeys("😞😢😭😤👎😒🙄😩😫💩😕☹🙁😣😖", "emojineg"),
    **dict.fromkeys("😀😃😄😁😊🙂😍🥰👍🙏❤💯🔥🎉🤩😎👌✅💪😂🤣🤝", "emojipos"),
}

NEGATORS = _words("not never nobody without hardly")
CLAUSE_WORDS = _words("but just so because though although if then")
THIRD_PARTIES = _words(
    """
    wife husband son daughter dad father mom mother brother sister friend buddy boyfriend
    girlfriend fiance fiancee partner boss neighbor grandma grandpa uncle aunt cousin roommate
    coworker he she they kid kids parents
    """
)
FIRST_PERSON = _words("i me we us")

# Words that end a vehicle's name ("the blue rav4 | tonight", "the tacoma for me").
_STOP = (
    r"(?:today|tonight|tomorrow|now|right|asap|if|for|at|and|but|so|then|on|with|until|till"
    r"|til|this|that|please|home|in|to|when|or)\b"
)
PLACEHOLDERS: dict[str, str] = {
    "<YOU>": r"(?:you guys|you all|you)",
    "<MODAL_YOU>": r"(?:(?:can|could|would|will|cn|wud) (?:you guys|you all|you)|(?:you guys|you)"
    r" (?:can|could|would|will)|any chance (?:you )?(?:can |could |would )?)",
    "<MONEY>": r"(?:\$ ?\d[\d,]*(?:\.\d+)?(?: ?(?:k|grand|thousand))?|\b\d{1,3}(?:,\d{3})+\b"
    r"|\b\d+(?:\.\d+)? ?(?:k|grand|thousand)\b|\b\d{5,6}\b"
    r"|\b(?:ten|fifteen|twenty|thirty|forty|fifty|sixty)(?: \w+)? (?:grand|thousand)\b)",
    "<BARE>": r"\$?\d{2,3}(?:\.\d)?\b(?! ?(?:am|pm|oclock|minutes|mins|hours|miles|days|weeks"
    r"|percent|a month|per month))",
    # A definite vehicle: "it", "that jeep", "the blue rav4"; not "the warranty".
    "<OBJ>": r"(?:it|this one|that one|(?:this|that) (?!<STOP>|one\b)\w+|this|that|her|him|them"
    r"|the (?!(?:extended |service |maintenance )?(?:warranty|plan|package|appointment"
    r"|accessor\w*|tires?|parts?|insurance|oil|spot|slot|time|line|phone|call|test drive|price"
    r"|deal|paperwork|deposit)\b)(?:(?!<STOP>)\w+ ){0,2}(?!<STOP>)\w+)".replace("<STOP>", _STOP),
    "<TIME>": r"(?:today|tonight|right now|now|this (?:afternoon|evening|morning|weekend|week)"
    r"|tomorrow|asap|before (?:you close|close|closing)|first thing)",
    "<TARGET>": r"(?:a |an |the |your |some |one of your |any )?<DAMN>(?:real |actual |live )?"
    r"(?:human being|human|person|people|someone|somebody|anyone|anybody|sales ?(?:man|woman"
    r"|person|people|guy|lady|rep|team|department|dept|associate|consultant)|sales|manager"
    r"|supervisor|boss|person in charge|someone in charge|rep|representative|agent|employee"
    r"|owner|general manager|gm|finance (?:manager|guy|person|department|dept|office))\b",
}
# An angry shopper's intensifier before the person asked for ("get me a damn manager").
_DAMN = r"(?:(?:damn|darn|freaking|fricking|frickin|fucking|effing|goddamn|bloody) )?"
PLACEHOLDERS["<TARGET>"] = PLACEHOLDERS["<TARGET>"].replace("<DAMN>", _DAMN)
# The shopper's own situation: "my", "me", or "I" with a verb of need or means.
PLACEHOLDERS["<MINE>"] = (
    r"\b(?:my|our|me|us|(?:i|we) (?:need|want|have|had|got|get|do|can|could|would|will|qualify|owe"
    r"|pay|make|earn|afford))\b"
)
# A charge on top of the price: "the doc fee", "taxes", "the dealer fees".
PLACEHOLDERS["<FEE>"] = (
    r"(?:(?:doc(?:umentation)?|dealer|processing|handling|admin(?:istrative)?|prep|destination)"
    r" )?fees?|(?:sales )?tax(?:es)?"
)
# An amount offered for a car, not a monthly payment or a down payment.
PLACEHOLDERS["<PRICE>"] = PLACEHOLDERS["<MONEY>"] + (
    r"(?! ?(?:a|per|every|each) (?:month|mo)\b| monthly| down| cash down)"
)

# The escalation rules, in handoff/escalation_rules.txt: a reason on its own line, then one rule
# per entry: a confidence, then the pattern; indented lines continue it (joined with nothing in
# between, so lines break only at a "|" or "(").
RULES_TEXT = (files("handoff") / "escalation_rules.txt").read_text(encoding="utf-8")


def _parse(text: str) -> dict[HandoffReason, tuple[tuple[float, str], ...]]:
    """`RULES_TEXT` as `{reason: ((confidence, pattern), ...)}`."""
    rules: dict[str, list[tuple[float, str]]] = {}
    reason = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            reason = line.strip()
            rules[reason] = []
        elif match := re.fullmatch(r"\s+(\d\.\d+) +(\S.*)", line):
            rules[reason].append((float(match[1]), match[2]))
        elif line.strip():
            confidence, pattern = rules[reason][-1]
            rules[reason][-1] = (confidence, pattern + line.strip())
    return {cast("HandoffReason", name): tuple(found) for name, found in rules.items()}


RULES = _parse(RULES_TEXT)


# The cues below are written like rules: lines joined with nothing in between.
def _joined(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines())


# A complaint told in two parts anywhere in the message: the dealership's work or sale, and a
# problem ("you fixed it last week ... the light came on again").
SERVICE_CUE = _joined(
    r"""
    \b(?:you|you guys|you all|your (?:guys|tech|techs|mechanic|mechanics|shop
    |service(?: department)?|people)|the (?:service|shop|tech|mechanic|dealership))
    (?: just| already| supposedly)? (?:fixed|repaired|replaced|worked on|looked at|serviced
    |said (?:it was|you) fixed|installed|did|sold (?:me|us))\b
    |\b(?:been|was|sat|sitting|back) (?:in|at) (?:your|the) (?:shop|service|dealership|lot
    |store)\b
    |\b(?:after|since) (?:the |my |your |that )?(?:service|repair|repairs|oil change|fix|recall
    |visit|tune up|inspection|brake job)\b
    |\b(?:(?:i|we) )?(?:just )?(?:bought|purchased|picked up|got)
    (?: it| this| the \w+| my \w+| a \w+)? (?:from (?:you|your)|here|there|last (?:week|month)
    |yesterday|\d+ (?:days|weeks) ago)\b
    """
)
PROBLEM_CUE = _joined(
    r"""
    \b(?:again|not (?:working|work|fixed|start|starting|running|right)|broke|broken|leak\w*|noise
    |grinding|rattl\w*|problem|problems|issue|issues|light (?:is |came |come |went |turned )?
    (?:back )?on|stall\w*|overheat\w*|dead|died|smok\w*|scratch\w*|dent\w*|damage\w*|missing
    |wrong|worse|shaking|vibrat\w*|check engine|slipp\w*|squeal\w*|squeak\w*|clunk\w*|knocking
    |stuck|cracked|burning|no (?:update|word|call|response|reply|answer)s?)\b
    """
)
# "Do you offer ...?": a question about what the dealership offers, answered by knowledge.
POLICY_OPENER = _joined(
    r"""
    ^(?:(?:so|and|also|hey|hi|hello|ok|okay|quick question|question|just curious|curious|btw
    |oh) )*(?:(?:do|does|did) (?:you|you guys|you all|your \w+|the (?:dealership|dealer|store))\b
    |(?:is|are) there\b|(?:is|are) (?:the |your )?(?:prices?|listed prices?|internet prices?
    |online prices?|listings?)\b|how does\b|what (?:kind|kinds|type|types|sort) of\b
    |(?:i )?(?:was |am )?(?:just )?(?:wondering|curious)\b|can i ask\b
    |(?:i )?(?:heard|saw|read|noticed|see) (?:that )?(?:you|your|the dealership)\b)
    """
)
# A question about how a process works ("what paperwork do i need for financing", "how does
# the appraisal process work for my trade"): answered from the knowledge; weak cues dropped.
PROCESS_QUESTION = _joined(
    r"""
    \b(?:process|procedure|paperwork|documents?|docs|documentation|steps?|requirements?
    |what (?:do|should|would|will) (?:i|we) (?:need to |have to )?(?:bring|have ready|fill out)
    |how (?:does|do|would|will) (?:the |your |a )?(?:\w+ ){0,2}?work
    |how long (?:does|do|will|would) (?:it|the \w+|an? \w+)(?: \w+)? take
    |(?:what|which) (?:hours|days|time)|hours
    |(?:sales )?tax(?:es)?|doc fee|documentation fee|title fee|registration fee)\b
    """
)
# Anger about somebody else ("the last place was awful") is not a complaint to this dealer.
OTHER_DEALER = _joined(
    r"""
    \b(?:other|another|last|previous|different|former|competing) (?:dealer|dealership|dealers|place
    |shop|lot|store)\b|\bdown the (?:street|road)\b|\b(?:carmax|carvana|vroom|craigslist
    |marketplace|private seller)\b
    """
)
# An amount nobody pays for a car ("for $1", "ill give you a dollar for it"): a prank, not a
# negotiation or a purchase; the assistant declines it itself and pages nobody.
TRIFLING_OFFER = _joined(
    r"""
    (?:(?:\bfor|\b(?:give|pay|offer|take|accept)(?: you)?) (?:like |just |only )?(?:\$ ?[1-9]\d?
    (?!\d|[.,]\d| ?(?:k|grand|thousand|hundred|million)\b)|(?:a|one) (?:dollar|buck|penny)
    |[1-9]\d? (?:dollars|bucks)|(?:two|five|ten|twenty) (?:dollars|bucks))|\bone (?:dollar|buck)
    |(?<![\w$.,])\$ ?[1-9](?!\d|[.,]\d| ?(?:k|grand|thousand|hundred|million)\b))\b
    (?! ?(?:a|per) (?:month|mo)\b| ?off\b| (?:a|per) mile)
    """
)
# An out-the-door question that asks what makes up the total ("whats out the door on the
# sonata, doc fee and taxes", "otd price breakdown?") is answered from the dealership's fee
# page; with a word asking for less ("best otd price", "lowest you'll go otd") it stays a
# negotiation, as does any amount offered (caught by the other rules).
OUT_THE_DOOR = r"(?:out the door|out of the door|otd|all in price|drive out price)"
BREAKDOWN = _joined(
    r"""
    \b(?:break ?down|broken down|break it down|itemi[sz]\w*|line items?|fees?|tax|taxes|title
    |registration|tags|plates|include|includes|included|including|incl|exclud\w*|on top|plus
    |added|consists?|made up of|goes into|parts
    |rough|roughly|ballpark|approx\w*|estimate[ds]?|ish|ish\?|around about|give or take)\b
    """
)
ASKS_LESS = _joined(
    r"""
    \b(?:best|lowest|bottom|final|cheapest|lower|better|cheaper|less|discount\w*|deal|knock
    |drop|waive|off|match|beat|come down|go down|negotiat\w*|wiggle|flexib\w*|budge)\b
    |<MONEY>
    """
)

# "Not now": no purchase intent in the same sentence.
DELAY = _joined(
    r"""
    \b(?:next (?:year|month|spring|summer|fall|winter)|eventually|someday|some day|down the road
    |in a (?:few|couple) (?:months|years)|just (?:browsing|looking)|not (?:yet|right now
    |anytime soon)|no rush|maybe later|later this year|in the future)\b
    """
)

NEGATIVE_WORDS = _words(
    """
    bad terrible horrible awful worst hate hated angry mad upset frustrated annoyed disappointed
    furious livid pissed ridiculous unacceptable scam scammed rude broken problem issue wrong
    waste sucks useless lied liars worse slow unhappy dissatisfied disgusted pathetic wtf
    bullshit complaint complain refund lemon shady fuming emojineg emojirage
    """
)
POSITIVE_WORDS = _words(
    """
    great awesome thanks thank love loved perfect amazing excellent good nice happy appreciate
    appreciated helpful cool sweet fantastic wonderful glad excited beautiful pleased satisfied
    impressed stoked emojipos
    """
)
